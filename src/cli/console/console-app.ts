// The console's routes (hono: standard Request/Response, no runtime dependency, served by
// @hono/node-server): server-rendered pages over the same store and cluster the CLI uses, the
// forms that change state (pause, resume, observe, approve, reject; each behind the CSRF check),
// the page assets served locally, and /events, a server-sent stream that tells open pages when
// something they show changed (a run finishing, an approval appearing).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { streamSSE } from 'hono/streaming';
import { getRun, listRuns } from '../../agent/run-store.js';
import type { OpenCluster } from '../../chain/index.js';
import type { Settings, StewardConfig } from '../../config/index.js';
import { StewardError } from '../../errors/index.js';
import { listApprovals, rejectApproval } from '../../execute/index.js';
import { listLatestReviews } from '../../governance/index.js';
import type { Logger } from '../../shared/index.js';
import { pauseState, setPaused, type Db } from '../../store/index.js';
import { observationHistory } from '../../treasury/index.js';
import { approvableRequest, approveAndExecute } from '../../agent/approve-request.js';
import { demoKeypair } from '../../demo/index.js';
import { outcomeLines } from '../approval-lines.js';
import { ConsoleObserver } from './console-observer.js';
import { html, type Html } from './html.js';
import { page, type Frame } from './layout.js';
import { approvalsPage } from './pages/approvals-page.js';
import { positionsPage } from './pages/positions-page.js';
import { proposalsPage } from './pages/proposals-page.js';
import { runPage, runsPage } from './pages/runs-page.js';
import { treasuryPage } from './pages/treasury-page.js';
import { accessControl, checkedForm, randomToken, type AccessOptions } from './security.js';

const OPERATOR_COOKIE = 'steward_operator';

export interface ConsoleAppParams {
  db: Db;
  config: StewardConfig;
  settings: Settings;
  cluster: OpenCluster;
  logger: Logger;
  access: AccessOptions;
  /** How often /events looks for changes (ms). */
  pollMs?: number;
}

export interface ConsoleApp {
  app: Hono;
  observer: ConsoleObserver;
}

function loadAssets(): Map<string, { body: string; type: string }> {
  const require = createRequire(import.meta.url);
  const uplot = join(require.resolve('uplot'), '..');
  const here = join(import.meta.dirname, 'assets');
  const read = (path: string) => readFileSync(path, 'utf8');
  return new Map([
    ['console.js', { body: read(join(here, 'console.js')), type: 'text/javascript; charset=utf-8' }],
    ['console.css', { body: read(join(here, 'console.css')), type: 'text/css; charset=utf-8' }],
    ['uPlot.iife.min.js', { body: read(join(uplot, 'uPlot.iife.min.js')), type: 'text/javascript; charset=utf-8' }],
    ['uPlot.min.css', { body: read(join(uplot, 'uPlot.min.css')), type: 'text/css; charset=utf-8' }],
  ]);
}

/** What open pages watch: changes when a run starts or ends, an approval appears or is decided, the pause switch moves, a new observation lands. */
export function consoleVersion(db: Db): string {
  const row = db
    .prepare(
      `SELECT (SELECT COALESCE(MAX(id), 0) FROM runs) AS runs,
              (SELECT COUNT(*) FROM runs WHERE status = 'running') AS running,
              (SELECT COUNT(*) FROM approvals WHERE status = 'pending') AS pending,
              (SELECT COALESCE(MAX(COALESCE(decided_at, requested_at)), '') FROM approvals) AS decided,
              (SELECT COUNT(*) FROM approvals) AS approvals,
              (SELECT COALESCE(MAX(id), 0) FROM treasury_observations) AS observations,
              (SELECT COALESCE(MAX(id), 0) FROM proposal_reviews) AS reviews`,
    )
    .get() as Record<string, unknown>;
  return JSON.stringify([
    row['runs'],
    row['running'],
    row['pending'],
    row['decided'],
    row['approvals'],
    row['observations'],
    row['reviews'],
    pauseState(db),
  ]);
}

export function createConsoleApp(params: ConsoleAppParams): ConsoleApp {
  const { db, config, settings, cluster, logger, access } = params;
  const observer = new ConsoleObserver(db, config, settings, cluster);
  const assets = loadAssets();
  const notices = new Map<string, { text: string; kind: 'ok' | 'error' }>();
  const inFlight = new Set<number>();
  const app = new Hono();
  app.use('*', accessControl(access));

  const frame = (c: Context): Frame => {
    const noticeId = c.req.query('n');
    const notice = noticeId ? notices.get(noticeId) : undefined;
    return {
      pause: pauseState(db),
      csrf: access.csrf,
      pendingApprovals: listApprovals(db, new Date(), 'pending').length,
      cluster: cluster.label,
      notice: notice?.text,
      noticeKind: notice?.kind,
    };
  };
  const render = (c: Context, title: string, path: string, body: Html) => c.html(page(title, path, frame(c), body).text);
  /** After a form: back to `path` with a one-time notice (kept server-side, so a link cannot forge one). */
  const back = (c: Context, path: string, text: string, kind: 'ok' | 'error' = 'ok') => {
    const id = randomToken().slice(0, 12);
    notices.set(id, { text, kind });
    if (notices.size > 200) notices.delete(notices.keys().next().value as string);
    return c.redirect(`${path}${path.includes('?') ? '&' : '?'}n=${id}`, 303);
  };
  const errorText = (error: unknown) =>
    error instanceof StewardError
      ? `${error.message}${error.hint ? ` (hint: ${error.hint})` : ''}`
      : error instanceof Error
        ? error.message
        : String(error);
  const agentRead = async (name: string | undefined) => {
    const agent = name === undefined ? observer.agents[0] : observer.agents.find((entry) => entry.name === name);
    if (!agent) return null;
    return observer.latest(agent.name) ?? (await observer.observe(agent));
  };

  app.get('/assets/:name', (c) => {
    const asset = assets.get(c.req.param('name'));
    if (!asset) return c.text('no such asset', 404);
    return c.body(asset.body, 200, { 'Content-Type': asset.type, 'Cache-Control': 'max-age=300' });
  });

  app.get('/', async (c) => {
    const view = await agentRead(c.req.query('agent'));
    if (!view) return render(c, 'Treasury', '/', html`<p>No agent named "${c.req.query('agent') ?? ''}" has a treasury here.</p>`);
    const agent = observer.agents.find((entry) => entry.name === view.agent);
    const history = observationHistory(db, agent?.treasury.owners ?? [], { cluster: view.cluster });
    return render(
      c,
      'Treasury',
      '/',
      treasuryPage(
        view,
        history,
        observer.agents.map((entry) => entry.name),
        access.csrf,
      ),
    );
  });
  app.get('/positions', async (c) => {
    const view = await agentRead(c.req.query('agent'));
    return render(c, 'Positions', '/positions', view ? positionsPage(view) : html`<p>No agent with a treasury.</p>`);
  });
  app.get('/proposals', (c) => {
    const votes = listApprovals(db, new Date(), 'pending')
      .filter((row) => row.action.kind === 'vote')
      .map((row) => row.action);
    return render(c, 'Proposals', '/proposals', proposalsPage(listLatestReviews(db), votes));
  });
  app.get('/runs', (c) => render(c, 'Runs', '/runs', runsPage(listRuns(db, { limit: 100 }))));
  app.get('/runs/:id{[0-9]{1,15}}', (c) => {
    const run = getRun(db, Number(c.req.param('id')));
    if (!run) return c.html(page('Run not found', '/runs', frame(c), html`<p>No run ${c.req.param('id')}.</p>`).text, 404);
    return render(c, `Run ${run.id}`, '/runs', runPage(run));
  });
  app.get('/approvals', (c) => {
    const all = listApprovals(db, new Date(), 'all');
    const pending = all.filter((row) => row.status === 'pending');
    const decided = all
      .filter((row) => row.status !== 'pending')
      .sort((a, b) => (b.decided_at ?? '').localeCompare(a.decided_at ?? ''))
      .slice(0, 50);
    return render(c, 'Approvals', '/approvals', approvalsPage(pending, decided, access.csrf, getCookie(c, OPERATOR_COOKIE) ?? ''));
  });
  app.get('/state.json', (c) => c.json({ version: consoleVersion(db) }));
  app.get('/events', (c) =>
    streamSSE(c, async (stream) => {
      let last = '';
      let open = true;
      stream.onAbort(() => {
        open = false;
      });
      while (open) {
        const version = consoleVersion(db);
        if (version !== last) {
          await stream.writeSSE({ event: 'change', data: version });
          last = version;
        }
        await stream.sleep(params.pollMs ?? 1000);
      }
    }),
  );

  const referer = (c: Context, fallback: string) => {
    const from = c.req.header('referer');
    try {
      return from ? new URL(from).pathname : fallback;
    } catch {
      return fallback;
    }
  };
  app.post('/pause', async (c) => {
    const form = await checkedForm(c, access.csrf);
    if (form instanceof Response) return form;
    const reason = (form['reason'] ?? '').trim();
    if (reason === '' || reason.length > 200)
      return back(c, referer(c, '/'), 'Pausing needs a reason (at most 200 characters); nothing changed.', 'error');
    setPaused(db, true, reason);
    logger.warn({ reason }, 'paused from the console');
    return back(c, referer(c, '/'), 'Paused: every action is denied until resumed.');
  });
  app.post('/resume', async (c) => {
    const form = await checkedForm(c, access.csrf);
    if (form instanceof Response) return form;
    setPaused(db, false);
    logger.warn('resumed from the console');
    return back(c, referer(c, '/'), 'Resumed: actions are judged by policy again.');
  });
  app.post('/observe', async (c) => {
    const form = await checkedForm(c, access.csrf);
    if (form instanceof Response) return form;
    const agent = observer.agents.find((entry) => entry.name === form['agent']) ?? observer.agents[0];
    if (!agent) return back(c, '/', 'No agent with a treasury.', 'error');
    try {
      const read = await observer.observe(agent);
      return back(
        c,
        `/?agent=${encodeURIComponent(agent.name)}`,
        `Observed again: observation #${read.observationId} at slot ${read.analysis.slot}.`,
      );
    } catch (error) {
      return back(c, '/', `Observing failed: ${errorText(error)}`, 'error');
    }
  });

  const decisionInput = (form: Record<string, string>): { by: string } | { error: string } => {
    const by = (form['by'] ?? '').trim();
    if (by === '' || by.length > 64) return { error: 'Give your name (1 to 64 characters): it is journalled with the decision.' };
    return { by };
  };
  const operatorCookie = (c: Context, by: string) => setCookie(c, OPERATOR_COOKIE, by, { httpOnly: true, sameSite: 'Strict', path: '/' });

  app.post('/approvals/:id{[0-9]{1,15}}/reject', async (c) => {
    const form = await checkedForm(c, access.csrf);
    if (form instanceof Response) return form;
    const id = Number(c.req.param('id'));
    const input = decisionInput(form);
    if ('error' in input) return back(c, '/approvals', input.error, 'error');
    const reason = (form['reason'] ?? '').trim();
    if (reason === '' || reason.length > 500)
      return back(c, '/approvals', `Rejecting action ${id} needs a reason (at most 500 characters); nothing changed.`, 'error');
    operatorCookie(c, input.by);
    try {
      rejectApproval(db, id, input.by, reason, new Date());
      return back(c, '/approvals', `Action ${id} rejected by ${input.by}: ${reason}. It will not execute.`);
    } catch (error) {
      return back(c, '/approvals', `Rejecting action ${id} failed: ${errorText(error)}`, 'error');
    }
  });

  app.post('/approvals/:id{[0-9]{1,15}}/approve', async (c) => {
    const form = await checkedForm(c, access.csrf);
    if (form instanceof Response) return form;
    const id = Number(c.req.param('id'));
    const input = decisionInput(form);
    if ('error' in input) return back(c, '/approvals', input.error, 'error');
    const digest = form['digest'] ?? '';
    if (!/^[0-9a-f]{64}$/.test(digest))
      return back(
        c,
        '/approvals',
        `Approving action ${id} needs the digest of the exact action (64 hex characters); nothing changed.`,
        'error',
      );
    operatorCookie(c, input.by);
    if (inFlight.has(id)) return back(c, '/approvals', `Action ${id} is being approved already; wait for that result.`, 'error');
    inFlight.add(id);
    try {
      const approvable = approvableRequest(db, id, new Date());
      if (approvable.kind === 'paused')
        return back(
          c,
          '/approvals',
          `Steward is paused (${approvable.reason}); resume first. The approval of action ${id} stays pending.`,
          'error',
        );
      const result = await approveAndExecute({
        db,
        config,
        settings,
        cluster,
        request: approvable.request,
        by: input.by,
        digest,
        // Only on the embedded demo chain: an agent without a signer signs with the demo agent key.
        ...(cluster.demo ? { fallbackSigner: demoKeypair('agent') } : {}),
      });
      switch (result.kind) {
        case 'paused':
          return back(
            c,
            '/approvals',
            `Steward is paused (${result.reason}); resume first. The approval of action ${id} stays pending.`,
            'error',
          );
        case 'digest-mismatch':
          return back(
            c,
            '/approvals',
            `Refused: action ${id} is not the action you approved (digest ${digest.slice(0, 12)}…, the pending action has ${result.actual.slice(0, 12)}…). Nothing was approved; review it again.`,
            'error',
          );
        case 'denied-on-recheck':
          return back(
            c,
            '/approvals',
            `Action ${id} approved by ${input.by}, then DENIED on re-check (slot ${result.slot}); nothing was sent: ${result.rules
              .filter((rule) => rule.effect === 'deny')
              .map((rule) => `${rule.id}: ${rule.reason}`)
              .join('; ')}`,
            'error',
          );
        case 'executed': {
          const ok = result.outcome.status === 'confirmed' || result.outcome.status === 'prepared';
          const agent = observer.agents.find((entry) => entry.name === approvable.request.action.agent);
          if (agent && ok)
            await observer
              .observe(agent)
              .catch((error: unknown) => logger.warn({ error: errorText(error) }, 'observing after an approval failed'));
          return back(
            c,
            '/approvals',
            `Action ${id} approved by ${input.by} at ${result.at.toISOString()}. ${outcomeLines(result.outcome).join(' ')}`,
            ok ? 'ok' : 'error',
          );
        }
        default:
          return result satisfies never;
      }
    } catch (error) {
      return back(c, '/approvals', `Approving action ${id} failed: ${errorText(error)}`, 'error');
    } finally {
      inFlight.delete(id);
    }
  });

  app.notFound((c) => c.html(page('Not found', '', frame(c), html`<p>No page at ${c.req.path}.</p>`).text, 404));
  app.onError((error, c) => {
    logger.error({ error: errorText(error) }, 'console request failed');
    return c.html(page('Error', '', frame(c), html`<p class="notice error">${errorText(error)}</p>`).text, 500);
  });
  return { app, observer };
}
