// Who may talk to the console, and which requests may change state. Bound to loopback it serves
// only requests whose Host names that loopback address (a web page on another origin cannot
// rebind a DNS name onto it); bound elsewhere it requires the access token on every request
// (Authorization: Bearer, or the cookie set by opening the printed URL once). Every POST carries
// the per-process CSRF token and, when the browser says where it comes from, the same origin.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';

export const TOKEN_COOKIE = 'steward_console';

/** The strict CSP of every response: scripts, styles and data only from the console itself. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

export function randomToken(): string {
  return randomBytes(24).toString('base64url');
}

export function sameSecret(given: string | undefined | null, secret: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface AccessOptions {
  /** Required on every request when set (the console is bound beyond loopback). */
  token: string | null;
  /** Host header values accepted when no token is required (the loopback names with the port). */
  hosts: ReadonlySet<string>;
  csrf: string;
}

function refuse(c: Context, status: 400 | 401 | 403, text: string): Response {
  return c.text(text, status, { 'Cache-Control': 'no-store' });
}

/** Security headers on every answer, host and token checks before any handler. */
export function accessControl(options: AccessOptions): MiddlewareHandler {
  return async (c, next) => {
    if (options.token === null) {
      const host = c.req.header('host') ?? '';
      if (!options.hosts.has(host.toLowerCase()))
        return refuse(c, 403, `the console answers only on ${[...options.hosts].join(', ')}; Host "${host}" refused`);
    } else {
      const url = new URL(c.req.url);
      const fromQuery = url.searchParams.get('token');
      const bearer = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
      if (fromQuery !== null && sameSecret(fromQuery, options.token) && c.req.method === 'GET') {
        // The printed URL carries the token once: keep it in an HttpOnly cookie, drop it from the address bar.
        setCookie(c, TOKEN_COOKIE, options.token, { httpOnly: true, sameSite: 'Strict', path: '/' });
        url.searchParams.delete('token');
        return c.redirect(`${url.pathname}${url.search}`, 303);
      }
      if (!sameSecret(bearer, options.token) && !sameSecret(getCookie(c, TOKEN_COOKIE), options.token)) {
        return refuse(
          c,
          401,
          'the console needs its access token: open the URL it printed at start (…?token=…), or send Authorization: Bearer TOKEN',
        );
      }
    }
    await next();
    c.res.headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    c.res.headers.set('X-Content-Type-Options', 'nosniff');
    c.res.headers.set('X-Frame-Options', 'DENY');
    c.res.headers.set('Referrer-Policy', 'no-referrer');
    if (!c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'no-store');
  };
}

/**
 * A state-changing request's form, once its CSRF token and origin are checked; a Response (403)
 * when they fail. Fields are strings (files are refused).
 */
export async function checkedForm(c: Context, csrf: string): Promise<Record<string, string> | Response> {
  const origin = c.req.header('origin');
  if (origin !== undefined && origin !== 'null') {
    const host = c.req.header('host') ?? '';
    let from: string | null = null;
    try {
      from = new URL(origin).host;
    } catch {
      from = null;
    }
    if (from !== host) return refuse(c, 403, `cross-origin request from "${origin}" refused`);
  }
  const body = await c.req.parseBody();
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    if (typeof value !== 'string') return refuse(c, 400, `field "${key}" must be text`);
    fields[key] = value;
  }
  if (!sameSecret(fields['csrf'], csrf)) return refuse(c, 403, 'missing or wrong CSRF token: reload the page and try again');
  return fields;
}
