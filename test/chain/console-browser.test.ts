// The operator console end to end, in a real headless Chromium (Debian's `chromium`, driven by
// playwright-core): `steward console` runs as its own process on the embedded demo chain; the
// treasury page shows what `steward observe --json` reports; a pending transfer approved from the
// page lands on chain and is journalled with who approved; a stale digest is refused; a request
// is rejected with a reason; pausing from the page shows on every page and refuses approvals;
// a hostile proposal title renders as text and runs no script. Screenshots of each page go to
// $STEWARD_ARTIFACTS_DIR (default: test-artifacts/console, not committed).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnection } from '../../src/chain/index.js';
import { DEMO } from '../../src/demo/addresses.js';
import { actionDigest, readAction, recordDecision } from '../../src/execute/index.js';
import { evaluatePolicy } from '../../src/policy/index.js';
import { formatTokenNumber, formatUsd } from '../../src/shared/index.js';
import { openStore } from '../../src/store/index.js';
import { runCliProcess } from '../helpers/cli.js';
import { startFakeModel } from '../helpers/fake-model.js';
import { STEWARD_BIN } from '../helpers/steward-process.js';
import { tempDir } from '../helpers/tmp.js';
import { demoContext, demoPolicy } from './execute-demo-context.js';
import { tokenBalance, usdc } from './execute-fixture.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CHROMIUM = [process.env['STEWARD_CHROMIUM'], '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path): path is string =>
  Boolean(path && existsSync(path)),
);
const ARTIFACTS = resolve(process.env['STEWARD_ARTIFACTS_DIR'] ?? join(ROOT, 'test-artifacts/console'));
const HOSTILE_TITLE =
  '<script>window.__pwned = 1; console.log("PWNED")</script><img src=x onerror="console.log(\'PWNED-img\')"> Routine payment';

if (process.env['CI'] && !CHROMIUM) throw new Error("the console browser test needs Chromium: .ci/run installs Debian's chromium package");

const work = tempDir('steward-console-');
const env = {
  STEWARD_DB: join(work, 'steward.db'),
  STEWARD_REPORTS_DIR: join(work, 'reports'),
  STEWARD_KEYPAIR: '',
  STEWARD_LOG_LEVEL: 'warn',
};
let consoleProcess: ChildProcess | undefined;
let base = '';
let chainUrl = '';
let browser: Browser | undefined;
let output = '';
const policy = demoPolicy();

function seedTransfer(amount: string, reason: string): number {
  const store = openStore(env.STEWARD_DB);
  try {
    const payload = { kind: 'transfer', token: 'USDC', amount, to: DEMO.grantee.toBase58(), reason };
    const now = Date.now();
    return recordDecision({
      db: store.db,
      policy,
      agent: 'treasury-guardian',
      payload,
      verdict: evaluatePolicy(policy, payload, demoContext(policy, now)),
      now: new Date(now),
    });
  } finally {
    store.close();
  }
}

/** A stored review of another proposal whose title and description are hostile HTML. */
function seedHostileReview(): void {
  const store = openStore(env.STEWARD_DB);
  try {
    const row = store.db.prepare('SELECT * FROM proposal_reviews ORDER BY id LIMIT 1').get() as Record<string, unknown>;
    const review = JSON.parse(String(row['review'])) as {
      proposal: { address: string; name: string; description: string };
      maxSeverity: string | null;
    };
    review.proposal.address = 'Hosti1eProposa1111111111111111111111111111111';
    review.proposal.name = HOSTILE_TITLE;
    review.proposal.description = '</pre><script>console.log("PWNED-description")</script>';
    store.db
      .prepare(
        `INSERT INTO proposal_reviews (proposal, fingerprint, with_model, realm, name, recommendation, max_severity, flags, review, markdown_path, reviewed_at)
         VALUES (?, 'hostile', 0, ?, ?, 'against', ?, '[]', ?, NULL, ?)`,
      )
      .run(review.proposal.address, row['realm'], HOSTILE_TITLE, review.maxSeverity, JSON.stringify(review), new Date().toISOString());
  } finally {
    store.close();
  }
}

async function openPage(path: string): Promise<{ page: Page; messages: string[] }> {
  const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(120_000);
  const messages: string[] = [];
  page.on('console', (message) => messages.push(message.text()));
  page.on('pageerror', (error) => messages.push(`pageerror: ${error.message}`));
  await page.goto(`${base}${path}`);
  return { page, messages };
}

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

function cli(...args: string[]) {
  return runCliProcess(['--config', ROOT, ...args], { env, timeoutMs: 90_000 });
}

describe.skipIf(!CHROMIUM)('steward console in a real browser', () => {
  beforeAll(async () => {
    consoleProcess = spawn(
      process.execPath,
      ['--no-allocation-site-pretenuring', STEWARD_BIN, '--config', ROOT, 'console', '--port', '0'],
      { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    consoleProcess.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`the console did not start:\n${output}`)), 150_000);
      consoleProcess!.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const url = /Console: (http:\/\/\S+)/.exec(output)?.[1];
        if (url) {
          clearTimeout(timer);
          base = url.replace(/\/$/, '');
          chainUrl = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1] ?? '';
          done();
        }
      });
      consoleProcess!.on('exit', (code) => fail(new Error(`the console exited (${code}):\n${output}`)));
    });
    browser = await chromium.launch({ executablePath: CHROMIUM!, args: ['--no-sandbox'] });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (consoleProcess && consoleProcess.exitCode === null) {
      const exited = new Promise((done) => consoleProcess!.once('exit', done));
      consoleProcess.kill('SIGTERM');
      await exited;
    }
  });

  it('the treasury page shows what `steward observe --json` reports, with a strict CSP and the charts', async () => {
    const observed = await cli('observe', '--json');
    expect(observed.code, observed.stderr).toBe(0);
    const json = JSON.parse(observed.stdout) as {
      analysis: {
        assets: { label: string; amount: string; decimals: number; valueMicroUsd: string | null }[];
        totals: { trustedMicroUsd: string };
      };
    };
    const { page, messages } = await openPage('/');
    const response = await page.request.get(`${base}/`);
    expect(response.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(await page.locator('#total-trusted').textContent()).toBe(formatUsd(BigInt(json.analysis.totals.trustedMicroUsd), 'cents'));
    for (const asset of json.analysis.assets) {
      const row = page.locator(`#holdings tr[data-asset="${asset.label}"]`);
      expect(await row.locator('td.amount').textContent()).toBe(formatTokenNumber(BigInt(asset.amount), asset.decimals));
      expect(await row.locator('td.value').textContent()).toBe(
        asset.valueMicroUsd === null ? '-' : formatUsd(BigInt(asset.valueMicroUsd), 'cents'),
      );
    }
    expect(await page.locator('#allocation-chart rect.weight').count()).toBeGreaterThan(2);
    await page.waitForSelector('#value-chart canvas');
    expect(await page.locator('#allowances td.remaining').allTextContents()).toEqual(['50000', '20000']);
    await screenshot(page, 'treasury');
    for (const path of ['/positions', '/runs']) {
      await page.goto(`${base}${path}`);
      await screenshot(page, path.slice(1));
    }
    expect(await page.locator('h1').textContent()).toBe('Runs');
    expect(messages.filter((m) => /error|refused/i.test(m))).toEqual([]);
  }, 180_000);

  it('approves a pending transfer from the page: re-checked, executed, on chain, journalled with who', async () => {
    const id = seedTransfer('12000', 'quarterly audit');
    const { page } = await openPage('/approvals');
    const card = page.locator(`#action-${id}`);
    await card.waitFor();
    const store = openStore(env.STEWARD_DB);
    const digest = actionDigest(readAction(store.db, id));
    store.close();
    expect(await card.locator('.digest').textContent()).toBe(digest);
    expect(await card.locator('.rules').textContent()).toContain('approval.above-usd');
    await screenshot(page, 'approvals');
    const connection = createConnection(chainUrl);
    const before = await tokenBalance(connection, DEMO.granteeUsdcAccount);
    await card.locator('form:has(button.approve) input[name="by"]').fill('alice');
    await Promise.all([page.waitForURL(/\/approvals\?n=/, { timeout: 150_000 }), card.locator('button.approve').click()]);
    expect(await page.locator('#notice').textContent()).toMatch(
      new RegExp(`Action ${id} approved by alice .*Executed: confirmed in slot \\d+`),
    );
    expect(await tokenBalance(connection, DEMO.granteeUsdcAccount)).toBe(before + usdc(12_000));
    const shown = await cli('approvals', 'show', String(id), '--json');
    expect(JSON.parse(shown.stdout)).toMatchObject({ status: 'approved', decided_by: 'alice', action: { state: 'confirmed' } });
    expect(await page.locator(`#decided tr[data-action="${id}"] .state`).textContent()).toBe('confirmed');
  }, 180_000);

  it('refuses an approval whose digest is not the pending action, and rejects with a reason', async () => {
    const first = seedTransfer('11000', 'audit, part one');
    const second = seedTransfer('13000', 'audit, part two');
    const { page } = await openPage('/approvals');
    await page.locator(`#action-${second}`).waitFor();
    // The page of `first` submits the digest of `second`: a stale or swapped page.
    const otherDigest = await page.locator(`#action-${second} .digest`).textContent();
    const card = page.locator(`#action-${first}`);
    await card
      .locator('input[name="digest"]')
      .evaluate((input, value) => ((input as unknown as { value: string }).value = value), otherDigest ?? '');
    await card.locator('form:has(button.approve) input[name="by"]').fill('mallory');
    await Promise.all([page.waitForURL(/\/approvals\?n=/, { timeout: 150_000 }), card.locator('button.approve').click()]);
    expect(await page.locator('#notice').textContent()).toContain(`Refused: action ${first} is not the action you approved`);
    let store = openStore(env.STEWARD_DB);
    expect(readAction(store.db, first).state).toBe('pending-approval');
    store.close();

    const rejectForm = page.locator(`#action-${second} form:has(button.reject)`);
    await rejectForm.locator('input[name="by"]').fill('bob');
    await rejectForm.locator('input[name="reason"]').fill('not budgeted');
    await Promise.all([page.waitForURL(/\/approvals\?n=/), rejectForm.locator('button.reject').click()]);
    expect(await page.locator('#notice').textContent()).toContain(`Action ${second} rejected by bob: not budgeted`);
    store = openStore(env.STEWARD_DB);
    expect(readAction(store.db, second).state).toBe('rejected');
    store.close();
  }, 180_000);

  it('a POST without the CSRF token or from another origin changes nothing', async () => {
    const noToken = await fetch(`${base}/pause`, { method: 'POST', body: new URLSearchParams({ reason: 'forged' }), redirect: 'manual' });
    expect(noToken.status).toBe(403);
    const page = await (await openPage('/')).page;
    const csrf = await page.locator('input[name="csrf"]').first().inputValue();
    const crossOrigin = await fetch(`${base}/pause`, {
      method: 'POST',
      headers: { origin: 'http://evil.example' },
      body: new URLSearchParams({ reason: 'forged', csrf }),
      redirect: 'manual',
    });
    expect(crossOrigin.status).toBe(403);
    // A page of another origin that rebinds its DNS name onto the console's address sends its own Host.
    const { request } = await import('node:http');
    const otherHost = await new Promise<number>((done, fail) => {
      const req = request(`${base}/`, { headers: { host: 'evil.example' } }, (res) => {
        res.resume();
        done(res.statusCode ?? 0);
      });
      req.on('error', fail);
      req.end();
    });
    expect(otherHost).toBe(403);
    expect(await page.locator('#paused').count()).toBe(0);
  });

  it('pauses from the page: shown on every page, approvals refused, a run denied, resumed again', async () => {
    const id = seedTransfer('14000', 'audit, part three');
    const { page } = await openPage('/');
    await page.locator('input[name="reason"]').fill('incident #7');
    await Promise.all([page.waitForURL(/n=/), page.locator('#pause').click()]);
    for (const path of ['/', '/positions', '/proposals', '/runs', '/approvals']) {
      await page.goto(`${base}${path}`);
      expect(await page.locator('#paused').textContent()).toContain('incident #7');
    }
    const card = page.locator(`#action-${id}`);
    await card.locator('form:has(button.approve) input[name="by"]').fill('alice');
    await Promise.all([page.waitForURL(/n=/), card.locator('button.approve').click()]);
    expect(await page.locator('#notice').textContent()).toContain(
      `Steward is paused (incident #7); resume first. The approval of action ${id} stays pending.`,
    );
    await screenshot(page, 'paused');
    const viaCli = await cli('approvals', 'approve', String(id), '--by', 'alice');
    expect(viaCli.code).toBe(3);
    // A run while paused: the agent proposes a transfer (a model the test controls) and the policy denies it.
    const model = await startFakeModel({
      assessment: 'Pay the grantee.',
      actions: [{ kind: 'transfer', token: 'USDC', amount: '10', to: DEMO.grantee.toBase58(), reason: 'while paused' }],
    });
    try {
      const run = await runCliProcess(['--config', ROOT, 'run', 'treasury-guardian'], {
        env: { ...env, STEWARD_OPENAI_BASE_URL: model.url, STEWARD_OPENAI_MODEL: 'fake' },
        timeoutMs: 150_000,
      });
      expect(run.stdout, run.stderr).toContain('actions: 1 proposed, 1 denied, 0 awaiting approval, 0 confirmed');
      expect(model.requests).toBeGreaterThan(0);
    } finally {
      await model.close();
    }
    await Promise.all([page.waitForURL(/n=/), page.locator('#resume').click()]);
    expect(await page.locator('#paused').count()).toBe(0);
  }, 180_000);

  it('a hostile proposal title renders as text and runs no script', async () => {
    const reviewed = await cli('review', '--all', '--no-model', '--no-simulate');
    expect(reviewed.code, reviewed.stderr).toBe(0);
    seedHostileReview();
    const { page, messages } = await openPage('/proposals');
    const card = page.locator('article[data-proposal="Hosti1eProposa1111111111111111111111111111111"]');
    expect(await card.locator('.proposal-title').textContent()).toBe(HOSTILE_TITLE);
    expect(await card.locator('script').count()).toBe(0);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('article.review').count()).toBeGreaterThanOrEqual(5);
    // Severity first: cards come most severe first.
    const rank: Record<string, number> = { 'sev-severe': 0, 'sev-warn': 1, 'sev-info': 2, 'sev-none': 3 };
    const order = (await page.locator('article.review').evaluateAll((cards) => cards.map((card) => card.className))).map(
      (name) => rank[name.split(' ')[1] ?? ''] ?? 9,
    );
    expect(order).toEqual([...order].sort((a, b) => a - b));
    await screenshot(page, 'proposals');
    expect(messages.filter((m) => m.includes('PWNED'))).toEqual([]);
  }, 180_000);

  it('a page updates live when an approval appears', async () => {
    const { page } = await openPage('/approvals');
    await page.locator('#live').filter({ hasText: 'up to date' }).waitFor({ timeout: 10_000 });
    const id = seedTransfer('15000', 'audit, part four');
    await page.locator(`#action-${id}`).waitFor({ timeout: 15_000 });
  });
});
