// `steward status`: first what needs a human (sent transactions whose outcome is unknown,
// actions and runs a dead process abandoned, runs of another host, Steward memos of another
// install on the agent key), then each agent's last run and outcome, its next scheduled run,
// pending approvals, and the allowances the agent key holds on the configured cluster: read live
// where the cluster answers, else that cluster's own latest observation with its age. Figures
// of another cluster are never shown: observations are keyed by cluster identity. A cluster URL
// that does not answer exits 1. Memos are read from the cluster only when it is a URL; the drift
// of a Squads treasury's spending limits from the policy whenever the cluster can be read.
import { Cron } from 'croner';
import type { Command } from 'commander';
import { lastRun } from '../../agent/run-store.js';
import type { AgentConfig, PolicyConfig, Settings } from '../../config/index.js';
import { formatAmount, formatTokenAmount, terminalText, currentProcess, type Logger } from '../../shared/index.js';
import { buildTreasuryView, latestObservation, type TreasurySnapshot } from '../../treasury/index.js';
import { isPaused, type Db } from '../../store/index.js';
import {
  chainLockHolder,
  chainStateFileFor,
  defaultRetryOptions,
  embeddedIdentity,
  loadChainState,
  openCluster,
  resolveCluster,
  type ClusterIdentity,
  type OpenCluster,
} from '../../chain/index.js';
import { findForeignMemos, journalAttention, otherHostRuns, type ForeignMemo } from '../../execute/index.js';
import { readAgentTreasury } from '../../agent/agent-treasury.js';
import { installId } from '../../store/index.js';
import { toStewardError } from '../../errors/index.js';
import { agentKeyOf, policyOf } from '../agents.js';
import { readAgentSquadsDrift, squadsDriftLines, type AgentSquadsDrift } from '../squads-drift.js';
import { createContext, type CliIo } from '../context.js';
import { SUMMARY } from '../summaries.js';

/** What status knows about the configured cluster: who it is, and whether it can be read now. */
interface ClusterView {
  identity: ClusterIdentity | null;
  /** Open and answering: figures are read live. */
  live: OpenCluster | null;
  /** Why figures are not live (null when they are). */
  why: string | null;
  /** The cluster URL did not answer: status exits 1. */
  unreachable: boolean;
  /** scheme://host:port of a URL cluster, to find its last observation when it cannot say who it is. */
  endpoint: string | null;
}

/**
 * The embedded default: the chain kept beside the database, live when a process serves it (it is
 * not started just for status), else known by the chain id in its state file.
 */
async function embeddedView(settings: Settings, logger: Logger): Promise<ClusterView> {
  const stateFile = chainStateFileFor(settings.db);
  const holder = stateFile ? chainLockHolder(stateFile) : null;
  if (holder && stateFile) {
    const live = await openCluster('embedded', { stateFile, logger });
    return { identity: embeddedIdentity(holder.chainId), live, why: null, unreachable: false, endpoint: null };
  }
  const state = stateFile ? loadChainState(stateFile) : null;
  if (!state)
    return {
      identity: null,
      live: null,
      why: 'no embedded chain yet: the first command that reads the chain starts it',
      unreachable: false,
      endpoint: null,
    };
  return {
    identity: embeddedIdentity(state.chainId),
    live: null,
    why: 'the embedded chain is not running (status does not start it)',
    unreachable: false,
    endpoint: null,
  };
}

async function urlView(rpcUrl: string, logger: Logger): Promise<ClusterView> {
  const target = resolveCluster(rpcUrl);
  const parsed = target.kind === 'url' ? new URL(target.url) : null;
  const endpoint = parsed ? `${parsed.protocol}//${parsed.host}` : null;
  const live = await openCluster(rpcUrl, { logger });
  try {
    return { identity: await live.identity(), live, why: null, unreachable: false, endpoint };
  } catch (error) {
    await live.close();
    return { identity: null, live: null, why: toStewardError(error).message, unreachable: true, endpoint };
  }
}

interface AllowanceFigures {
  /** `remaining` in whole tokens; `display` with separators and, at the snapshot's trusted price, USD: "50,000 USDC ($50,000)". */
  allowances: { token: string; account: string; remaining: string; display: string }[];
  /** "live" or where the figures come from. */
  source: 'live' | 'stored' | 'none';
  slot: string | null;
  observedAt: string | null;
  /** The cluster the figures belong to, as stored (for figures read through an endpoint that could not say who it is). */
  clusterName: string | null;
  error?: string;
  /** Why no allowance can be shown although the cluster was read (no agent key). */
  note?: string;
}

function allowanceRows(snapshot: TreasurySnapshot): AllowanceFigures['allowances'] {
  return buildTreasuryView(snapshot).allowances.map((allowance) => ({
    token: allowance.symbol ?? allowance.mint,
    account: allowance.tokenAccount,
    remaining: allowance.decimals === null ? allowance.remaining.toString() : formatAmount(allowance.remaining, allowance.decimals),
    display: formatTokenAmount(
      allowance.remaining,
      { symbol: allowance.symbol, decimals: allowance.decimals, mint: allowance.mint },
      { usdMicro: allowance.usdMicro },
    ),
  }));
}

/** The agent's allowances on the viewed cluster: live, else that cluster's latest observation, else none. */
async function allowanceFigures(
  db: Db,
  view: ClusterView,
  agent: AgentConfig,
  settings: Settings,
  policy: ReturnType<typeof policyOf> | undefined,
): Promise<AllowanceFigures> {
  if (view.live && policy) {
    try {
      const key = agentKeyOf(agent, settings, view.live, undefined, 'agent key');
      if (!key)
        return {
          allowances: [],
          source: 'live',
          slot: null,
          observedAt: null,
          clusterName: view.identity?.name ?? null,
          note: 'the agent key is unknown: configure a signer (signer: in the agent file, or STEWARD_KEYPAIR)',
        };
      const snapshot = await readAgentTreasury(view.live, settings, agent, policy, key?.key ?? null, new Date());
      return {
        allowances: allowanceRows(snapshot),
        source: 'live',
        slot: snapshot.slot.toString(),
        observedAt: snapshot.observedAt,
        clusterName: view.identity?.name ?? null,
      };
    } catch (error) {
      const stored = storedFigures(db, view, agent);
      return { ...stored, error: toStewardError(error).message };
    }
  }
  return storedFigures(db, view, agent);
}

function storedFigures(db: Db, view: ClusterView, agent: AgentConfig): AllowanceFigures {
  const on = view.identity ? { cluster: view.identity.key } : view.endpoint ? { endpoint: view.endpoint } : null;
  const observation = on ? latestObservation(db, agent.treasury.owners, on) : null;
  if (!observation) return { allowances: [], source: 'none', slot: null, observedAt: null, clusterName: null };
  return {
    allowances: allowanceRows(observation.snapshot),
    source: 'stored',
    slot: observation.snapshot.slot.toString(),
    observedAt: observation.observedAt,
    clusterName: observation.clusterName,
  };
}

/** "3 min", "2 h 5 min", "4 d": how old a figure is. */
function age(since: string, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(since)) / 1000));
  if (seconds < 90) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d`;
}

export function registerStatus(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('status')
    .description(SUMMARY['status'])
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const ctx = createContext(command, io);
      const config = ctx.loadConfig();
      const store = ctx.openStore();
      try {
        const now = new Date();
        const paused = isPaused(store.db);
        const attention = { ...journalAttention(store.db, now), otherHostRuns: otherHostRuns(store.db, currentProcess().host) };
        const install = installId(store.db);
        const foreign: (ForeignMemo & { agent: string })[] = [];
        let memoNote: string | null = null;
        const isUrl = resolveCluster(ctx.settings.rpcUrl).kind === 'url';
        const view = isUrl ? await urlView(ctx.settings.rpcUrl, ctx.logger) : await embeddedView(ctx.settings, ctx.logger);
        const rows: Awaited<ReturnType<typeof agentRow>>[] = [];
        async function agentRow(agent: AgentConfig) {
          const run = lastRun(store.db, agent.name);
          const next = agent.schedule
            ? new Cron(agent.schedule.cron, { timezone: agent.schedule.timezone, paused: true }).nextRun(now)
            : null;
          const pending = store.db
            .prepare("SELECT COUNT(*) FROM actions WHERE agent = ? AND state = 'pending-approval'")
            .pluck()
            .get(agent.name) as number;
          const policy = config.policies.find((entry) => entry.config.name === agent.policy)?.config;
          const figures = await allowanceFigures(store.db, view, agent, ctx.settings, policy);
          const squads = policy ? await squadsDrift(agent, policy) : null;
          return {
            agent: agent.name,
            mode: agent.mode,
            lastRun: run ? { id: run.id, status: run.status, at: run.startedAt, error: run.error } : null,
            nextRun: next?.toISOString() ?? null,
            pendingApprovals: pending,
            allowances: figures.allowances,
            allowancesSource: figures.source,
            allowancesAsOfSlot: figures.slot,
            allowancesObservedAt: figures.observedAt,
            allowancesCluster: figures.clusterName,
            ...(figures.error ? { allowancesError: figures.error } : {}),
            ...(figures.note ? { allowancesNote: figures.note } : {}),
            ...(squads ? { squads } : {}),
          };
        }
        /** A Squads treasury's drift on the viewed cluster; null for a treasury without a multisig. */
        async function squadsDrift(agent: AgentConfig, policy: PolicyConfig): Promise<AgentSquadsDrift | null> {
          const squads = agent.treasury.squads;
          if (!squads) return null;
          const unread = (error: string): AgentSquadsDrift => ({
            multisig: squads.multisig,
            vaultIndex: squads.vaultIndex,
            agentLimits: 0,
            flags: [],
            error,
          });
          if (!view.live) return unread(view.why ?? 'the cluster cannot be read');
          try {
            const key = agentKeyOf(agent, ctx.settings, view.live, undefined, 'agent key');
            return key
              ? await readAgentSquadsDrift(view.live, ctx.settings, agent, policy, key.key)
              : unread('the agent key is unknown: configure signer: in the agent file, or STEWARD_KEYPAIR');
          } catch (error) {
            return unread(toStewardError(error).message);
          }
        }
        try {
          if (view.live && isUrl) {
            try {
              const seen = new Set<string>();
              for (const { config: agent } of config.agents) {
                const key = agentKeyOf(agent, ctx.settings, view.live, undefined, 'agent key');
                if (!key || seen.has(key.key.toBase58())) continue;
                seen.add(key.key.toBase58());
                const io2 = {
                  connection: view.live.connection,
                  endpoint: view.live.connection.rpcEndpoint,
                  retry: { ...defaultRetryOptions, attempts: 2, timeoutMs: 10_000 },
                };
                for (const memo of await findForeignMemos(io2, store.db, key.key, install)) foreign.push({ ...memo, agent: agent.name });
              }
            } catch (error) {
              memoNote = `could not read the agent key's transactions: ${toStewardError(error).message}`;
            }
          } else {
            memoNote = isUrl
              ? 'memos of other installs could not be checked: the cluster does not answer'
              : 'memos of other installs are checked only on a cluster URL (--url)';
          }
          for (const { config: agent } of config.agents) rows.push(await agentRow(agent));
        } finally {
          await view.live?.close();
        }
        const clusterLine = view.identity
          ? `${view.identity.name} (${view.identity.key})${view.live ? ', read live' : ''}`
          : view.unreachable
            ? `${view.endpoint ?? ctx.settings.rpcUrl} UNREACHABLE`
            : 'embedded';
        const cluster = { name: view.identity?.name ?? null, key: view.identity?.key ?? null, live: view.live !== null, note: view.why };
        // A cluster URL that does not answer is a failure, whatever stored figures are shown.
        if (view.unreachable) setExit(1);
        if (options.json) {
          io.stdout(
            JSON.stringify(
              { paused, install, cluster, needsAttention: { ...attention, foreignMemos: foreign, memoNote }, agents: rows },
              null,
              2,
            ),
          );
          return;
        }
        if (paused) io.stdout('KILL SWITCH ON: every action is denied (`steward resume` to lift it)');
        const lines: string[] = [
          ...attention.unknown.map(
            (row) =>
              `  action ${row.actionId}: sent, outcome UNKNOWN since ${row.since} (signature ${row.signature}); counts as spent — ${terminalText(row.error ?? '')}`,
          ),
          ...attention.abandoned.map(
            (row) => `  action ${row.actionId} (${row.agent}, ${row.kind}) ABANDONED at ${row.at}: ${terminalText(row.error ?? '')}`,
          ),
          ...attention.abandonedRuns.map(
            (row) => `  run #${row.runId} (${row.agent}) abandoned at ${row.at}: ${terminalText(row.error ?? '')}`,
          ),
          ...attention.otherHostRuns.map(
            (row) =>
              `  run #${row.runId} (${row.agent}) marked running by pid ${row.pid} on host ${terminalText(row.host)} since ${row.since}: only that host can tell whether it lives`,
          ),
          ...foreign.map(
            (memo) =>
              `  agent ${memo.agent}'s key signed ${memo.signature} for ANOTHER install (${terminalText(memo.install)}, action ${memo.actionId}): that install's spending is not in this journal's windows; only the on-chain allowance is shared`,
          ),
        ];
        if (lines.length > 0) {
          io.stdout(`NEEDS A HUMAN (${lines.length}):`);
          for (const line of lines) io.stdout(line);
        }
        io.stdout(`install ${install}${memoNote ? ` (${terminalText(memoNote)})` : ''}`);
        io.stdout(`cluster ${terminalText(clusterLine)}${view.why ? `: ${terminalText(view.why)}` : ''}`);
        for (const row of rows) {
          io.stdout(`${row.agent} (${row.mode})`);
          io.stdout(
            `  last run:  ${row.lastRun ? `#${row.lastRun.id} ${row.lastRun.status} at ${row.lastRun.at}${row.lastRun.error ? ` — ${terminalText(row.lastRun.error)}` : ''}` : 'never'}`,
          );
          io.stdout(`  next run:  ${row.nextRun ?? 'on demand only (no schedule)'}`);
          io.stdout(`  approvals: ${row.pendingApprovals} pending${row.pendingApprovals ? ' (`steward approvals list`)' : ''}`);
          const asOf =
            row.allowancesSource === 'live'
              ? `live, slot ${row.allowancesAsOfSlot}`
              : `slot ${row.allowancesAsOfSlot}, observed ${row.allowancesObservedAt} (${row.allowancesObservedAt ? age(row.allowancesObservedAt, now) : '?'} ago)${row.allowancesCluster && !view.identity ? ` on ${terminalText(row.allowancesCluster)}` : ''}`;
          if (row.allowancesError) io.stdout(`  allowances: live read failed (${terminalText(row.allowancesError)})`);
          if (row.allowancesNote) io.stdout(`  allowances: ${row.allowancesNote}`);
          else if (row.allowances.length === 0)
            io.stdout(
              `  allowances: none seen${row.allowancesSource === 'none' ? ' (no observation of this cluster yet: `steward observe`)' : ` (${asOf})`}`,
            );
          for (const allowance of row.allowances)
            io.stdout(`  allowance: ${terminalText(allowance.display)} on ${allowance.account} (${asOf})`);
          if (row.squads) for (const line of squadsDriftLines(row.squads)) io.stdout(line);
        }
      } finally {
        store.close();
      }
    });
}
