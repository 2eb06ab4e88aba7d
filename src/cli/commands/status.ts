// `steward status`: first what needs a human (sent transactions whose outcome is unknown,
// actions and runs a dead process abandoned, runs of another host, Steward memos of another
// install on the agent key), then each agent's last run and outcome, its next scheduled run,
// pending approvals, and the allowances the agent key holds as of the latest observation.
// Memos, and the drift of a Squads treasury's spending limits from the policy, are read from the
// cluster only when it is a URL (the embedded chain starts empty).
import { Cron } from 'croner';
import type { Command } from 'commander';
import { lastRun } from '../../agent/run-store.js';
import { formatAmount, formatTokenAmount, terminalText, currentProcess } from '../../shared/index.js';
import { buildTreasuryView, latestObservation } from '../../treasury/index.js';
import { isPaused } from '../../store/index.js';
import { resolveCluster, openCluster, defaultRetryOptions } from '../../chain/index.js';
import { findForeignMemos, journalAttention, otherHostRuns, type ForeignMemo } from '../../execute/index.js';
import { installId } from '../../store/index.js';
import { toStewardError } from '../../errors/index.js';
import { agentKeyOf } from '../agents.js';
import { readAgentSquadsDrift, squadsDriftLines, type AgentSquadsDrift } from '../squads-drift.js';
import { createContext, type CliIo } from '../context.js';
import { SUMMARY } from '../summaries.js';

export function registerStatus(program: Command, io: CliIo): void {
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
        const drifts = new Map<string, AgentSquadsDrift>();
        if (resolveCluster(ctx.settings.rpcUrl).kind === 'url') {
          const cluster = await openCluster(ctx.settings.rpcUrl, { logger: ctx.logger });
          try {
            try {
              const seen = new Set<string>();
              for (const { config: agent } of config.agents) {
                const key = agentKeyOf(agent, ctx.settings, cluster, undefined, 'agent key');
                if (!key || seen.has(key.key.toBase58())) continue;
                seen.add(key.key.toBase58());
                const io2 = { connection: cluster.connection, endpoint: cluster.connection.rpcEndpoint, retry: { ...defaultRetryOptions, attempts: 2, timeoutMs: 10_000 } };
                for (const memo of await findForeignMemos(io2, store.db, key.key, install)) foreign.push({ ...memo, agent: agent.name });
              }
            } catch (error) {
              memoNote = `could not read the agent key's transactions: ${toStewardError(error).message}`;
            }
            for (const { config: agent } of config.agents) {
              const squads = agent.treasury.squads;
              const policy = config.policies.find((entry) => entry.config.name === agent.policy)?.config;
              if (!squads || !policy) continue;
              const unread = (error: string): AgentSquadsDrift => ({ multisig: squads.multisig, vaultIndex: squads.vaultIndex, agentLimits: 0, flags: [], error });
              try {
                const key = agentKeyOf(agent, ctx.settings, cluster, undefined, 'agent key');
                const drift = key ? await readAgentSquadsDrift(cluster, ctx.settings, agent, policy, key.key) : unread('the agent key is unknown: configure signer: in the agent file, or STEWARD_KEYPAIR');
                if (drift) drifts.set(agent.name, drift);
              } catch (error) {
                drifts.set(agent.name, unread(toStewardError(error).message));
              }
            }
          } finally {
            await cluster.close();
          }
        } else {
          memoNote = 'memos of other installs are checked only on a cluster URL (--url)';
        }
        const rows = config.agents.map(({ config: agent }) => {
          const run = lastRun(store.db, agent.name);
          const next = agent.schedule ? new Cron(agent.schedule.cron, { timezone: agent.schedule.timezone, paused: true }).nextRun(now) : null;
          const pending = store.db
            .prepare("SELECT COUNT(*) FROM actions WHERE agent = ? AND state = 'pending-approval'")
            .pluck()
            .get(agent.name) as number;
          const observation = latestObservation(store.db, agent.treasury.owners);
          const view = observation ? buildTreasuryView(observation.snapshot) : null;
          const allowances = (view?.allowances ?? []).map((allowance) => ({
            token: allowance.symbol ?? allowance.mint,
            account: allowance.tokenAccount,
            remaining: allowance.decimals === null ? allowance.remaining.toString() : formatAmount(allowance.remaining, allowance.decimals),
            /** Whole tokens with separators and, at the observation's trusted price, USD: "50,000 USDC ($50,000)". */
            display: formatTokenAmount(allowance.remaining, { symbol: allowance.symbol, decimals: allowance.decimals, mint: allowance.mint }, { usdMicro: allowance.usdMicro }),
          }));
          return {
            agent: agent.name,
            mode: agent.mode,
            lastRun: run ? { id: run.id, status: run.status, at: run.startedAt, error: run.error } : null,
            nextRun: next?.toISOString() ?? null,
            pendingApprovals: pending,
            allowances,
            allowancesAsOfSlot: observation?.snapshot.slot.toString() ?? null,
            ...(drifts.has(agent.name) ? { squads: drifts.get(agent.name)! } : {}),
          };
        });
        if (options.json) {
          io.stdout(JSON.stringify({ paused, install, needsAttention: { ...attention, foreignMemos: foreign, memoNote }, agents: rows }, null, 2));
          return;
        }
        if (paused) io.stdout('KILL SWITCH ON: every action is denied (`steward resume` to lift it)');
        const lines: string[] = [
          ...attention.unknown.map((row) => `  action ${row.actionId}: sent, outcome UNKNOWN since ${row.since} (signature ${row.signature}); counts as spent — ${terminalText(row.error ?? '')}`),
          ...attention.abandoned.map((row) => `  action ${row.actionId} (${row.agent}, ${row.kind}) ABANDONED at ${row.at}: ${terminalText(row.error ?? '')}`),
          ...attention.abandonedRuns.map((row) => `  run #${row.runId} (${row.agent}) abandoned at ${row.at}: ${terminalText(row.error ?? '')}`),
          ...attention.otherHostRuns.map((row) => `  run #${row.runId} (${row.agent}) marked running by pid ${row.pid} on host ${terminalText(row.host)} since ${row.since}: only that host can tell whether it lives`),
          ...foreign.map((memo) => `  agent ${memo.agent}'s key signed ${memo.signature} for ANOTHER install (${terminalText(memo.install)}, action ${memo.actionId}): that install's spending is not in this journal's windows; only the on-chain allowance is shared`),
        ];
        if (lines.length > 0) {
          io.stdout(`NEEDS A HUMAN (${lines.length}):`);
          for (const line of lines) io.stdout(line);
        }
        io.stdout(`install ${install}${memoNote ? ` (${terminalText(memoNote)})` : ''}`);
        for (const row of rows) {
          io.stdout(`${row.agent} (${row.mode})`);
          io.stdout(`  last run:  ${row.lastRun ? `#${row.lastRun.id} ${row.lastRun.status} at ${row.lastRun.at}${row.lastRun.error ? ` — ${terminalText(row.lastRun.error)}` : ''}` : 'never'}`);
          io.stdout(`  next run:  ${row.nextRun ?? 'on demand only (no schedule)'}`);
          io.stdout(`  approvals: ${row.pendingApprovals} pending${row.pendingApprovals ? ' (`steward approvals list`)' : ''}`);
          if (row.allowances.length === 0) io.stdout(`  allowances: none seen${row.allowancesAsOfSlot ? '' : ' (no observation yet)'}`);
          for (const allowance of row.allowances) io.stdout(`  allowance: ${terminalText(allowance.display)} on ${allowance.account} (slot ${row.allowancesAsOfSlot})`);
          if (row.squads) for (const line of squadsDriftLines(row.squads)) io.stdout(line);
        }
      } finally {
        store.close();
      }
    });
}
