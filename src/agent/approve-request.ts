// Approving one pending action, for `steward approvals approve` and the console alike: the
// request must be pending and Steward not paused (checked before the cluster is read), then the
// policy is re-run against a fresh treasury snapshot inside approveAction's write transaction
// and, when it still passes, the action executes with the agent's key (or the fallback signer
// the caller gives: the demo agent key on the embedded demo chain). With a digest (what the
// person saw), only the action that still has that digest is approved. What it returns is data;
// the CLI and the console render it (src/cli/approval-lines.ts).
import type { Keypair } from '@solana/web3.js';
import type { OpenCluster } from '../chain/open-cluster.js';
import type { Settings, StewardConfig } from '../config/index.js';
import { StewardError } from '../errors/index.js';
import { approveAction, executeAction, requirePending, type ActionRow, type ApprovalRow, type ExecutionOutcome } from '../execute/index.js';
import type { FiredRule } from '../policy/index.js';
import { compilePolicy } from '../policy/index.js';
import { pauseState, type Db } from '../store/index.js';
import { buildTreasuryView } from '../treasury/index.js';
import { findAgent, signerSource } from './agent-lookup.js';
import { readAgentTreasury } from './agent-treasury.js';
import { confirmEndpoint } from './confirm-endpoint.js';
import { buildPolicyContext, observedContext } from './policy-context.js';
import { loadAgentSigner } from './signer.js';

export type ApproveResult =
  | { kind: 'paused'; reason: string; since: string | undefined }
  | { kind: 'digest-mismatch'; expected: string; actual: string }
  | { kind: 'denied-on-recheck'; at: Date; slot: number | bigint; cluster: string; rules: readonly FiredRule[] }
  | { kind: 'executed'; at: Date; slot: number | bigint; cluster: string; signer: string; signerNote: string; outcome: ExecutionOutcome };

/** The request, when it can be approved now; `paused` when the kill switch is on. Throws on an unknown id or a decided request. */
export function approvableRequest(
  db: Db,
  id: number,
  now: Date,
): { kind: 'ok'; request: ApprovalRow & { action: ActionRow } } | { kind: 'paused'; reason: string; since: string | undefined } {
  const request = requirePending(db, id, now);
  const pause = pauseState(db);
  if (pause.paused) return { kind: 'paused', reason: pause.reason ?? 'no reason given', since: pause.since };
  return { kind: 'ok', request };
}

export interface ApproveParams {
  db: Db;
  config: StewardConfig;
  settings: Settings;
  cluster: OpenCluster;
  request: ApprovalRow & { action: ActionRow };
  by: string;
  digest?: string;
  /** Signs when the agent has no signer configured: the demo agent key, on the embedded demo chain only. */
  fallbackSigner?: Keypair;
}

/** Re-checks and, when the policy still passes, executes (see the module header). */
export async function approveAndExecute(params: ApproveParams): Promise<ApproveResult> {
  const { db, config, settings, cluster, request, by } = params;
  const id = request.action_id;
  const agent = findAgent(config, request.action.agent);
  const policyConfig = config.policies.find((file) => file.config.name === request.action.policy)?.config;
  if (!policyConfig) {
    throw new StewardError('CONFIG_INVALID', `action ${id} was judged by policy "${request.action.policy}", which no longer exists`, {
      hint: 'restore the policy file, or reject the request (`steward approvals reject ID`)',
    });
  }
  const policy = compilePolicy(policyConfig);
  let signer: Keypair | null = loadAgentSigner(agent, process.env, settings.keypair);
  let signerNote = signer ? signerSource(agent) : '';
  if (!signer && cluster.demo && params.fallbackSigner) {
    signer = params.fallbackSigner;
    signerNote = `the demo agent key (embedded chain; ${agent.signer && 'env' in agent.signer ? `$${agent.signer.env}` : 'STEWARD_KEYPAIR'} is unset)`;
  }
  if (!signer) {
    throw new StewardError(
      'KEYPAIR_INVALID',
      `agent "${agent.name}" has no signer configured, so action ${id} could not be executed after approval`,
      {
        hint: 'configure signer.keypair or signer.env in the agent file (or STEWARD_KEYPAIR), then approve again; nothing was recorded',
      },
    );
  }
  const now = new Date();
  const snapshot = await readAgentTreasury(cluster, settings, agent, policyConfig, signer.publicKey, now);
  const view = buildTreasuryView(snapshot);
  const observed = observedContext(view, now.getTime());
  const decision = approveAction(db, policy, id, by, observed, now, params.digest);
  switch (decision.kind) {
    case 'paused':
      return { kind: 'paused', reason: decision.reason, since: decision.since };
    case 'digest-mismatch':
      return { kind: 'digest-mismatch', expected: decision.expected, actual: decision.actual };
    case 'denied-on-recheck':
      return { kind: 'denied-on-recheck', at: now, slot: snapshot.slot, cluster: cluster.label, rules: decision.rules };
    case 'approved':
      break;
    default:
      return decision satisfies never;
  }
  const context = { ...buildPolicyContext(db, policyConfig.name, policy, view, Date.now()), observedAt: observed.observedAt };
  const outcome = await executeAction({
    db,
    connection: cluster.connection,
    agentKeypair: signer,
    policy,
    action: id,
    mode: 'execute',
    context,
    options: {
      confirmWith: confirmEndpoint(settings),
      squadsMultisig: agent.treasury.squads?.multisig ?? null,
      jupiter: { baseUrl: settings.jupiterUrl },
    },
  });
  return {
    kind: 'executed',
    at: now,
    slot: snapshot.slot,
    cluster: cluster.label,
    signer: signer.publicKey.toBase58(),
    signerNote,
    outcome,
  };
}
