// The console's access rules and template layer without a chain: bound beyond loopback every
// request needs the token (the printed URL sets it as an HttpOnly cookie and drops it from the
// address bar; Bearer works too); bound to loopback only the loopback Host names are answered;
// every POST needs the CSRF token and, when the browser names one, the same origin; every answer
// carries the strict CSP; the template layer escapes every interpolated value. The browser test
// (test/chain/console-browser.test.ts) covers the loopback console end to end.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { html, jsonData, preText } from '../../src/cli/console/html.js';
import {
  accessControl,
  checkedForm,
  CONTENT_SECURITY_POLICY,
  isLoopbackHost,
  TOKEN_COOKIE,
  type AccessOptions,
} from '../../src/cli/console/security.js';
import { runCli } from '../helpers/cli.js';

const TOKEN = 'tok-0123456789abcdef-secret';
const CSRF = 'csrf-0123456789abcdef';

function app(access: AccessOptions): Hono {
  const app = new Hono();
  app.use('*', accessControl(access));
  app.get('/', (c) => c.text('page'));
  app.post('/pause', async (c) => {
    const form = await checkedForm(c, access.csrf);
    if (form instanceof Response) return form;
    return c.text(`paused: ${form['reason']}`);
  });
  return app;
}

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  body: new URLSearchParams(fields),
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
});

describe('console beyond loopback: the access token', () => {
  const remote = app({ token: TOKEN, hosts: new Set(), csrf: CSRF });

  it('refuses every request without the token, or with a wrong one', async () => {
    for (const request of [
      new Request('http://10.0.0.5:8787/'),
      new Request('http://10.0.0.5:8787/?token=wrong'),
      new Request('http://10.0.0.5:8787/', { headers: { authorization: 'Bearer wrong' } }),
    ]) {
      const response = await remote.request(request);
      expect(response.status).toBe(401);
      expect(await response.text()).toContain('needs its access token');
    }
    const post = await remote.request('http://10.0.0.5:8787/pause', form({ reason: 'x', csrf: CSRF }));
    expect(post.status).toBe(401);
  });

  it('the printed URL sets an HttpOnly cookie and drops the token from the address; the cookie or Bearer then works', async () => {
    const opened = await remote.request(`http://10.0.0.5:8787/?token=${TOKEN}&x=1`);
    expect(opened.status).toBe(303);
    expect(opened.headers.get('location')).toBe('/?x=1');
    const cookie = opened.headers.get('set-cookie') ?? '';
    expect(cookie).toContain(`${TOKEN_COOKIE}=${TOKEN}`);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const withCookie = await remote.request('http://10.0.0.5:8787/', { headers: { cookie: `${TOKEN_COOKIE}=${TOKEN}` } });
    expect(withCookie.status).toBe(200);
    expect(withCookie.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(withCookie.headers.get('x-frame-options')).toBe('DENY');
    const withBearer = await remote.request('http://10.0.0.5:8787/', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(withBearer.status).toBe(200);
  });

  it('with the token, a POST still needs the CSRF token and the same origin', async () => {
    const auth = { cookie: `${TOKEN_COOKIE}=${TOKEN}` };
    const noCsrf = await remote.request('http://10.0.0.5:8787/pause', {
      ...form({ reason: 'x' }),
      headers: { ...form({}).headers, ...auth },
    });
    expect(noCsrf.status).toBe(403);
    const otherOrigin = await remote.request('http://10.0.0.5:8787/pause', {
      ...form({ reason: 'x', csrf: CSRF }),
      headers: { ...form({}).headers, ...auth, host: '10.0.0.5:8787', origin: 'http://evil.example' },
    });
    expect(otherOrigin.status).toBe(403);
    const ok = await remote.request('http://10.0.0.5:8787/pause', {
      ...form({ reason: 'incident', csrf: CSRF }),
      headers: { ...form({}).headers, ...auth, host: '10.0.0.5:8787', origin: 'http://10.0.0.5:8787' },
    });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('paused: incident');
  });
});

describe('console on loopback: the Host check', () => {
  const local = app({ token: null, hosts: new Set(['127.0.0.1:8787', 'localhost:8787']), csrf: CSRF });

  it('answers the loopback names and refuses any other Host (DNS rebinding)', async () => {
    expect((await local.request('http://127.0.0.1:8787/', { headers: { host: '127.0.0.1:8787' } })).status).toBe(200);
    expect((await local.request('http://localhost:8787/', { headers: { host: 'LOCALHOST:8787' } })).status).toBe(200);
    const rebound = await local.request('http://evil.example:8787/', { headers: { host: 'evil.example:8787' } });
    expect(rebound.status).toBe(403);
  });

  it('knows which addresses are loopback', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '10.0.0.5', '::', 'example.com', '127.0.0.1.evil.example'].some(isLoopbackHost)).toBe(false);
  });
});

describe('console template layer', () => {
  it('escapes every interpolated value; only its own Html passes as markup', () => {
    const hostile = '<script>alert(1)</script><img src=x onerror="x()"> \'q\' & \u001b[31m';
    const out = html`<td title="${hostile}">${hostile}${html`<b>${hostile}</b>`}${[hostile, 1n, null, false]}</td>`.text;
    expect(out).not.toMatch(/<script|<img|onerror="/);
    expect(out).toContain('&lt;script&gt;');
    expect(out).toContain('&quot;x()&quot;');
    expect(out).toContain('<b>&lt;script&gt;');
    expect(out).not.toContain('\u001b');
    expect(preText('a\n</pre><script>').text).toBe('a\n&lt;/pre&gt;&lt;script&gt;');
  });

  it('page data for scripts cannot close its script element', () => {
    const out = jsonData('d', { title: '</script><script>alert(1)</script>', amount: 5n, line: '\u2028' }).text;
    expect(out.match(/<\/script>/g)).toHaveLength(1);
    expect(out.endsWith('</script>')).toBe(true);
    const json = out.slice(out.indexOf('>') + 1, -'</script>'.length);
    expect(JSON.parse(json)).toEqual({ title: '</script><script>alert(1)</script>', amount: '5', line: '\u2028' });
  });
});

describe('steward console options', () => {
  it('refuses a short $STEWARD_CONSOLE_TOKEN and a bad --port with exit 2 before opening anything', async () => {
    process.env['STEWARD_CONSOLE_TOKEN'] = 'short';
    try {
      const short = await runCli(['console', '--host', '0.0.0.0', '--port', '0']);
      expect(short.code).toBe(2);
      expect(short.stderr).toContain('$STEWARD_CONSOLE_TOKEN is too short to guard the console (5 characters)');
    } finally {
      delete process.env['STEWARD_CONSOLE_TOKEN'];
    }
    const port = await runCli(['console', '--port', '70000']);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('--port "70000" is not a TCP port');
  }, 120_000);
});
