// `steward approvals list | show ID | approve ID | reject ID`: the human side of actions the
// policy sent for approval. list/show read the journal (expiring due requests first). approve
// records who approved, re-runs the policy against a fresh treasury snapshot (prices and
// windows move while a request waits) and, when it still passes, executes the action with the
// agent's key. An expired request never executes. Exit codes: 0 ok, 1 runtime failure (or the
// approved action did not land), 2 bad input (unknown id, not pending), 3 denied on re-check.
import { userInfo } from 'node:os';
import type { Keypair } from '@solana/web3.js';
import type { Command } from 'commander';
import { buildPolicyContext, observedContext } from '../../agent/policy-context.js';
import { loadAgentSigner } from '../../agent/signer.js';
import { demoKeypair } from '../../demo/index.js';
import { StewardError } from '../../errors/index.js';
import { approveAction, executeAction, getApproval, listApprovals, rejectApproval, type ActionRow, type ApprovalRow, type ExecutionOutcome } from '../../execute/index.js';
import { compilePolicy } from '../../policy/index.js';
import { pauseState } from '../../store/index.js';
import { terminalText } from '../../shared/index.js';
import { toJsonText } from '../../treasury/index.js';
import { confirmEndpoint } from '../agent-session.js';
import { findAgent, signerSource } from '../agents.js';
import { createContext, type CliIo } from '../context.js';
import { textTable } from '../table.js';
import { readTreasury } from '../treasury-read.js';
import { SUMMARY } from '../summaries.js';

export const APPROVAL_DENIED_EXIT = 3;

type Listed = ApprovalRow & { action: ActionRow };

function operator(): string {
  try {
    return userInfo().username || process.env['USER'] || 'unknown';
  } catch {
    return process.env['USER'] ?? 'unknown';
  }
}

function parseId(text: string): number {
  if (!/^\d{1,15}$/.test(text) || Number(text) < 1) {
    throw new StewardError('OPTION_INVALID', `"${text}" is not an action id`, { hint: 'action ids are positive integers; list them with `steward approvals list`' });
  }
  return Number(text);
}

function whatOf(action: ActionRow): string {
  return terminalText(whatOfPayload(action));
}

function whatOfPayload(action: ActionRow): string {
  const payload = JSON.parse(action.payload) as Record<string, unknown>;
  switch (action.kind) {
    case 'transfer':
      return `${String(payload['amount'])} ${String(payload['token'])} → ${String(payload['to'])}`;
    case 'swap':
      return `${String(payload['amount'])} ${String(payload['from'])} → ${String(payload['to'])}`;
    case 'stake':
      return `${String(payload['amount'])} SOL → validator ${String(payload['validator'])}`;
    case 'unstake':
      return `${String(payload['stakeAccount'])}${payload['amount'] === undefined ? '' : ` (${String(payload['amount'])} SOL)`}`;
    case 'vote':
      return `${String(payload['choice'])} on ${String(payload['proposal'])}`;
    default:
      return action.payload.slice(0, 80);
  }
}

function showLines(row: Listed): string[] {
  const { action } = row;
  const rules = JSON.parse(action.rules) as { id: string; effect: string; reason: string }[];
  const payload = JSON.parse(action.payload) as Record<string, unknown>;
  return [
    `Action ${action.id} (${action.kind}) of agent ${terminalText(action.agent)}, policy ${terminalText(action.policy)}${action.run_id === null ? '' : `, run ${action.run_id}`}`,
    `  what:       ${whatOf(action)}`,
    ...(typeof payload['reason'] === 'string' ? [`  reason:     ${terminalText(payload['reason'])}`] : []),
    ...(action.usd === null ? [] : [`  value:      ${action.usd} USD (at the prices of the proposal)`]),
    `  approval:   ${row.status}${row.decided_by ? ` by ${terminalText(row.decided_by)}` : ''}${row.decided_at ? ` at ${row.decided_at}` : ''}${row.reason ? ` — ${terminalText(row.reason)}` : ''}`,
    `  requested:  ${row.requested_at}`,
    `  expires:    ${row.expires_at}`,
    `  state:      ${action.state}${action.error ? ` — ${terminalText(action.error)}` : ''}`,
    '  rules:',
    ...(rules.length === 0 ? ['    (none fired)'] : rules.map((rule) => `    ${rule.effect.padEnd(14)} ${rule.id}: ${terminalText(rule.reason)}`)),
  ];
}

function outcomeLines(outcome: ExecutionOutcome): string[] {
  switch (outcome.status) {
    case 'confirmed':
      return [`Executed: confirmed in slot ${outcome.slot ?? '?'}, signature ${outcome.signature} (attempt ${outcome.attempt})`, ...outcome.notes.map((note) => `  ${terminalText(note)}`), `  memo ${outcome.memo}`];
    case 'failed':
      return [`Execution FAILED on chain: ${terminalText(outcome.error)} (signature ${outcome.signature})`, ...outcome.logs.slice(-8).map((log) => `  ${terminalText(log)}`)];
    case 'expired':
      return [`Execution EXPIRED: ${terminalText(outcome.error)} (signature ${outcome.signature}); nothing landed`];
    case 'unknown':
      return [`Sent, outcome UNKNOWN: ${terminalText(outcome.error)} (signature ${outcome.signature}). It counts as spent; \`steward status\` lists it until the endpoints agree. Do not approve again.`];
    case 'pending':
      return [`Sent, not settled yet: signature ${outcome.signature}. \`steward start\` (recoverPending) settles it; do not approve again.`];
    case 'refused':
      return [`Execution REFUSED at ${outcome.stage}: ${terminalText(outcome.reason)}`, `hint: ${terminalText(outcome.hint)}`, ...outcome.logs.slice(-8).map((log) => `  ${terminalText(log)}`)];
    case 'dry-run':
      return [`Dry run only: ${outcome.unitsConsumed} compute units; nothing was signed`];
    case 'prepared':
      return [
        `PREPARED, NOT SENT: ${terminalText(outcome.reason)}`,
        ...outcome.instructions.map((ix) => `  instruction ${ix.programId} accounts [${ix.accounts.join(', ')}] data ${ix.data} (base64)`),
      ];
    default:
      return outcome satisfies never;
  }
}

export function registerApprovals(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const approvals = program.command('approvals').description(SUMMARY['approvals']);

  approvals
    .command('list')
    .description('approval requests (pending by default); due ones are marked expired first')
    .option('--status <status>', 'pending | approved | rejected | expired | all', 'pending')
    .option('--json', 'print them as JSON')
    .action((options: { status: string; json?: boolean }, command: Command) => {
      const ctx = createContext(command, io);
      const statuses = ['pending', 'approved', 'rejected', 'expired', 'all'] as const;
      const status = statuses.find((s) => s === options.status);
      if (!status) throw new StewardError('OPTION_INVALID', `--status "${options.status}" is not one of ${statuses.join(', ')}`, { hint: 'e.g. --status all' });
      const store = ctx.openStore();
      try {
        const rows = listApprovals(store.db, new Date(), status);
        if (options.json) {
          io.stdout(toJsonText(rows.map((row) => ({ ...row, action: { ...row.action, payload: JSON.parse(row.action.payload) as unknown, rules: JSON.parse(row.action.rules) as unknown } })), 2));
        } else if (rows.length === 0) {
          io.stdout(`No ${status === 'all' ? '' : `${status} `}approval requests.`);
        } else {
          const table = rows.map((row) => [String(row.action_id), terminalText(row.action.agent), row.action.kind, whatOf(row.action), row.action.usd ?? '-', row.status, row.expires_at]);
          for (const line of textTable(['ID', 'AGENT', 'KIND', 'WHAT', 'USD', 'STATUS', 'EXPIRES'], table, new Set([0, 4]))) io.stdout(line);
        }
        setExit(0);
      } finally {
        store.close();
      }
    });

  approvals
    .command('show')
    .description('one approval request: the action, its rules, who decided and when')
    .argument('<id>', 'action id')
    .option('--json', 'print it as JSON')
    .action((idText: string, options: { json?: boolean }, command: Command) => {
      const ctx = createContext(command, io);
      const id = parseId(idText);
      const store = ctx.openStore();
      try {
        const row = getApproval(store.db, id, new Date());
        if (options.json) io.stdout(toJsonText({ ...row, action: { ...row.action, payload: JSON.parse(row.action.payload) as unknown, rules: JSON.parse(row.action.rules) as unknown } }, 2));
        else for (const line of showLines(row)) io.stdout(line);
        setExit(0);
      } finally {
        store.close();
      }
    });

  approvals
    .command('reject')
    .description('reject a pending request; the action never executes')
    .argument('<id>', 'action id')
    .option('--reason <text>', 'why (kept with the decision)')
    .option('--by <name>', 'who rejects (default: the OS user)')
    .action((idText: string, options: { reason?: string; by?: string }, command: Command) => {
      const ctx = createContext(command, io);
      const id = parseId(idText);
      const by = options.by ?? operator();
      const store = ctx.openStore();
      try {
        rejectApproval(store.db, id, by, options.reason, new Date());
        io.stdout(`Action ${id} rejected by ${terminalText(by)}${options.reason ? `: ${terminalText(options.reason)}` : ''}. It will not execute.`);
        setExit(0);
      } finally {
        store.close();
      }
    });

  approvals
    .command('approve')
    .description("approve a pending request: re-check it against a fresh treasury snapshot, then execute it with the agent's key")
    .argument('<id>', 'action id')
    .option('--by <name>', 'who approves (default: the OS user)')
    .action(async (idText: string, options: { by?: string }, command: Command) => {
      const ctx = createContext(command, io);
      const id = parseId(idText);
      const by = options.by ?? operator();
      const refusePaused = (actionId: number, reason: string, since: string | undefined): void => {
        io.stderr(`Steward is paused (${reason}${since ? `, since ${since}` : ''}); resume first (\`steward resume\`). The approval of action ${actionId} stays pending.`);
        setExit(APPROVAL_DENIED_EXIT);
      };
      const config = ctx.loadConfig();
      const store = ctx.openStore();
      try {
        // Fail on bad input before touching the cluster: unknown id, decided, expired.
        const request = getApproval(store.db, id, new Date());
        if (request.status !== 'pending') {
          throw new StewardError('APPROVAL_INVALID', `the approval of action ${id} is ${request.status}${request.decided_at ? ` (since ${request.decided_at})` : ''}, not pending`, {
            hint: request.status === 'expired' ? 'an expired approval never executes; the agent must propose the action again' : 'nothing left to decide (`steward approvals show ID`)',
            context: { actionId: id, status: request.status },
          });
        }
        // Paused: refuse before anything is read or consumed; approveAction checks again inside
        // its write transaction, in case the switch goes on meanwhile.
        const pause = pauseState(store.db);
        if (pause.paused) {
          refusePaused(id, pause.reason ?? 'no reason given', pause.since);
          return;
        }
        const agent = findAgent(config, request.action.agent);
        const policyConfig = config.policies.find((file) => file.config.name === request.action.policy)?.config;
        if (!policyConfig) {
          throw new StewardError('CONFIG_INVALID', `action ${id} was judged by policy "${request.action.policy}", which no longer exists`, {
            hint: 'restore the policy file, or reject the request (`steward approvals reject ID`)',
          });
        }
        const policy = compilePolicy(policyConfig);
        const cluster = await ctx.openCluster();
        try {
          let signer: Keypair | null = loadAgentSigner(agent, process.env, ctx.settings.keypair);
          let signerNote = signer ? signerSource(agent) : '';
          if (!signer && cluster.demo) {
            signer = demoKeypair('agent');
            signerNote = `the demo agent key (embedded chain; ${agent.signer && 'env' in agent.signer ? `$${agent.signer.env}` : 'STEWARD_KEYPAIR'} is unset)`;
          }
          if (!signer) {
            throw new StewardError('KEYPAIR_INVALID', `agent "${agent.name}" has no signer configured, so action ${id} could not be executed after approval`, {
              hint: 'configure signer.keypair or signer.env in the agent file (or STEWARD_KEYPAIR), then approve again; nothing was recorded',
            });
          }
          const now = new Date();
          const snapshot = await readTreasury(cluster, ctx.settings, agent, policyConfig, signer.publicKey, now);
          const observed = observedContext(snapshot, now.getTime());
          const decision = approveAction(store.db, policy, id, by, observed, now);
          if (decision.kind === 'paused') {
            refusePaused(id, decision.reason, decision.since);
            return;
          }
          io.stdout(`Action ${id} approved by ${terminalText(by)} at ${now.toISOString()}; re-checked against ${cluster.label} (slot ${snapshot.slot}).`);
          if (decision.kind === 'denied-on-recheck') {
            io.stdout('DENIED on re-check (prices or spend windows moved since the request); nothing was sent:');
            for (const rule of decision.rules.filter((r) => r.effect === 'deny')) io.stdout(`  ${rule.id}: ${terminalText(rule.reason)}`);
            setExit(APPROVAL_DENIED_EXIT);
            return;
          }
          io.stdout(`Signer: ${signer.publicKey.toBase58()} (${signerNote})`);
          const context = { ...buildPolicyContext(store.db, policyConfig.name, policy, snapshot, Date.now()), observedAt: observed.observedAt };
          const outcome = await executeAction({ db: store.db, connection: cluster.connection, agentKeypair: signer, policy, action: id, mode: 'execute', context, options: { confirmWith: confirmEndpoint(ctx.settings) } });
          for (const line of outcomeLines(outcome)) io.stdout(line);
          setExit(outcome.status === 'confirmed' || outcome.status === 'prepared' ? 0 : 1);
        } finally {
          await cluster.close();
        }
      } finally {
        store.close();
      }
    });
}
