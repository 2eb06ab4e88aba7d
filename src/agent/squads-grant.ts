// `steward grant --squads MULTISIG`: the policy compiled into the multisig's spending limits for
// the agent key, planned as the config transactions (and the proposals that carry them) the
// members approve and execute — or, for a controlled multisig, the instructions its config
// authority signs — each also as an unsigned transaction (base64). Executing works on Steward's
// embedded chain only, with the signers the caller hands in (the demo DAO's members): they
// propose, approve and execute it through the real program (or, for a controlled multisig whose
// config authority is one of those keys, that key signs). The command renders the plan
// (src/cli/grant-output.ts).
import {
  PublicKey,
  Keypair,
  Transaction,
  TransactionMessage,
  VersionedTransaction,
  type Connection,
  type TransactionInstruction,
} from '@solana/web3.js';
import { advanceClockOverRpc, defaultRetryOptions, mayInject, rpcCall, type OpenCluster } from '../chain/index.js';
import type { AgentConfig, PolicyConfig, Settings } from '../config/index.js';
import { StewardError } from '../errors/index.js';
import { compilePolicy, type CompiledPolicy } from '../policy/index.js';
import { isAddress } from '../shared/index.js';
import {
  approveInstruction,
  controlledInstruction,
  executeConfigInstruction,
  planConfigTransaction,
  planGrant,
  vaultAddress,
  type GrantPlan,
} from '../squads/index.js';
import type { AgentKey } from './agent-lookup.js';
import { readAgentTreasury, tokenOf } from './agent-treasury.js';
import { readSquadsFence, squadsRefOf, type SquadsFence, type SquadsRef } from './squads-fence.js';

/** The options as given (--squads, --vault-index, --time-lock, --creator). */
export interface SquadsGrantOptions {
  squads: string;
  vaultIndex?: string;
  timeLock?: string;
  creator?: string;
}

/** What to compile, checked against the agent file. */
export interface SquadsGrantRequest {
  ref: SquadsRef;
  timeLock: number | undefined;
  creator: string | undefined;
  policy: CompiledPolicy;
}

function intOption(text: string | undefined, flag: string, max: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) > max)
    throw new StewardError('ARGUMENT_INVALID', `${flag} "${text}" is not a whole number from 0 to ${max}`, {
      hint: `e.g. ${flag} ${flag === '--time-lock' ? '3600' : '0'}`,
    });
  return Number(text);
}

function squadsRef(agent: AgentConfig, options: SquadsGrantOptions): SquadsRef {
  if (!isAddress(options.squads))
    throw new StewardError('ADDRESS_INVALID', `--squads "${options.squads}" is not a Solana address`, {
      hint: 'pass the Squads multisig account address (not its vault)',
    });
  const configured = agent.treasury.squads;
  const vaultIndex = intOption(options.vaultIndex, '--vault-index', 255) ?? configured?.vaultIndex ?? 0;
  if (configured && (configured.multisig !== options.squads || configured.vaultIndex !== vaultIndex)) {
    throw new StewardError(
      'ARGUMENT_INVALID',
      `agent "${agent.name}" names Squads multisig ${configured.multisig} vault ${configured.vaultIndex}, not ${options.squads} vault ${vaultIndex}`,
      {
        hint: 'pass the multisig of the agent file (treasury.squads), or change the agent file',
      },
    );
  }
  const multisig = new PublicKey(options.squads);
  if (configured) return squadsRefOf(agent)!;
  return { multisig, vaultIndex, vault: vaultAddress(multisig, vaultIndex) };
}

/** Checks the options against the agent file before anything is read. */
export function squadsGrantRequest(agent: AgentConfig, policyConfig: PolicyConfig, options: SquadsGrantOptions): SquadsGrantRequest {
  const ref = squadsRef(agent, options);
  const timeLock = intOption(options.timeLock, '--time-lock', 7_776_000);
  if (options.creator !== undefined && !isAddress(options.creator))
    throw new StewardError('ADDRESS_INVALID', `--creator "${options.creator}" is not a Solana address`, {
      hint: 'a multisig member with the Initiate permission',
    });
  return { ref, timeLock, creator: options.creator, policy: compilePolicy(policyConfig) };
}

/** One config transaction of the grant (or, for a controlled multisig, one authority-signed set). */
export interface SquadsGrantBatch {
  transactionIndex: bigint | null;
  steps: string[];
  instructions: TransactionInstruction[];
  spendingLimits: PublicKey[];
  unsigned: string;
}

export interface SquadsGrantPlan {
  cluster: string;
  agentKey: AgentKey;
  fence: SquadsFence;
  plan: GrantPlan;
  controlled: boolean;
  feePayer: PublicKey;
  batches: SquadsGrantBatch[];
  executed: { signatures: string[]; notes: string[]; flagsAfter: SquadsFence['flags'] } | null;
  /** Symbol and decimals of a mint, from the treasury as read. */
  symbolOf: (mint: string) => { symbol: string; decimals: number | null };
}

export interface SquadsGrantParams {
  cluster: OpenCluster;
  settings: Settings;
  agent: AgentConfig;
  policyConfig: PolicyConfig;
  request: SquadsGrantRequest;
  revoke: boolean;
  /** Propose, approve and execute it (embedded chain only). */
  execute: boolean;
  /** The key the limits name; asked only once the cluster may be used (null: none configured). */
  agentKey: () => AgentKey | null;
  /** Keys that may sign on the embedded chain (the demo DAO's members): used only where mayInject. */
  embeddedSigners: readonly Keypair[];
}

function latestBlockhash(connection: Connection): Promise<{ blockhash: string; lastValidBlockHeight: number }> {
  return rpcCall('getLatestBlockhash', connection.rpcEndpoint, () => connection.getLatestBlockhash('confirmed'));
}

async function sendSigned(connection: Connection, signers: Keypair[], instructions: TransactionInstruction[]): Promise<string> {
  const endpoint = connection.rpcEndpoint;
  const { blockhash, lastValidBlockHeight } = await latestBlockhash(connection);
  const tx = new Transaction({ feePayer: signers[0]!.publicKey, blockhash, lastValidBlockHeight }).add(...instructions);
  tx.sign(...signers);
  const signature = await rpcCall(
    'sendTransaction',
    endpoint,
    () => connection.sendRawTransaction(tx.serialize(), { preflightCommitment: 'confirmed' }),
    defaultRetryOptions,
    { kind: 'send' },
  );
  const { value } = await rpcCall('confirmTransaction', endpoint, () =>
    connection.confirmTransaction({ signature, blockhash, lastValidBlockHeight }, 'confirmed'),
  );
  if (value.err)
    throw new StewardError('EXECUTION_FAILED', `transaction ${signature} failed on chain: ${JSON.stringify(value.err)}`, {
      hint: 'read its logs with `solana confirm -v`',
    });
  return signature;
}

/** The given signers who are members of this multisig, with the permission asked for. */
function membersAmong(signers: readonly Keypair[], fence: SquadsFence, permission: 'initiate' | 'vote' | 'execute'): Keypair[] {
  return signers.filter((key) => fence.squads.members.some((m) => m.key === key.publicKey.toBase58() && m[permission]));
}

async function executeOnEmbedded(
  connection: Connection,
  fence: SquadsFence,
  batches: readonly SquadsGrantBatch[],
  signers: readonly Keypair[],
): Promise<{ signatures: string[]; notes: string[] }> {
  const creator = membersAmong(signers, fence, 'initiate')[0];
  const voters = membersAmong(signers, fence, 'vote').slice(0, fence.squads.threshold);
  const executor = membersAmong(signers, fence, 'execute')[0];
  if (!creator || !executor || voters.length < fence.squads.threshold) {
    throw new StewardError(
      'ARGUMENT_INVALID',
      `--execute signs with the demo DAO's members, and this multisig does not have enough of them (threshold ${fence.squads.threshold})`,
      {
        hint: "have the multisig's members sign the printed transaction, approve the proposal and execute it (Squads app or CLI)",
      },
    );
  }
  const multisig = fence.ref.multisig;
  const signatures: string[] = [];
  const notes = [
    `proposed by ${creator.publicKey.toBase58()}, approved by ${voters.map((v) => v.publicKey.toBase58()).join(', ')}, executed by ${executor.publicKey.toBase58()}`,
  ];
  for (const batch of batches) {
    const index = batch.transactionIndex!;
    signatures.push(await sendSigned(connection, [creator], batch.instructions));
    for (const voter of voters)
      signatures.push(await sendSigned(connection, [voter], [approveInstruction(multisig, index, voter.publicKey)]));
    if (fence.squads.timeLockSeconds > 0) {
      await advanceClockOverRpc(connection, fence.squads.timeLockSeconds);
      notes.push(
        `the embedded chain's clock was moved ${fence.squads.timeLockSeconds} s ahead past the time lock (steward_advanceSlots) for #${index}`,
      );
    }
    signatures.push(
      await sendSigned(connection, [executor], [executeConfigInstruction(multisig, index, executor.publicKey, batch.spendingLimits)]),
    );
  }
  return { signatures, notes };
}

/** A controlled multisig on the embedded chain: its config authority, when it is one of the given keys, signs each instruction. */
async function executeControlledOnEmbedded(
  connection: Connection,
  fence: SquadsFence,
  batches: readonly SquadsGrantBatch[],
  signers: readonly Keypair[],
): Promise<{ signatures: string[]; notes: string[] }> {
  const authority = signers.find((key) => key.publicKey.toBase58() === fence.squads.configAuthority);
  if (!authority) {
    throw new StewardError(
      'ARGUMENT_INVALID',
      `--execute signs with the demo DAO's keys, and the config authority ${fence.squads.configAuthority} of this controlled multisig is not one of them`,
      {
        hint: 'sign the printed transactions with the config authority (Squads app or CLI)',
      },
    );
  }
  const signatures: string[] = [];
  for (const batch of batches) signatures.push(await sendSigned(connection, [authority], batch.instructions));
  return {
    signatures,
    notes: [`signed by the config authority ${authority.publicKey.toBase58()} (a demo member key), one transaction per change`],
  };
}

/** The unsigned v0 transaction (base64); every transaction of one plan shares the blockhash read once for it. */
function unsignedOf(blockhash: string, payer: PublicKey, instructions: TransactionInstruction[]): string {
  return Buffer.from(
    new VersionedTransaction(
      new TransactionMessage({ payerKey: payer, recentBlockhash: blockhash, instructions }).compileToV0Message(),
    ).serialize(),
  ).toString('base64');
}

/** A controlled multisig: one instruction per step, each signed by the authority; removals first, member and time-lock changes last, as for a config transaction. */
function controlledBatches(blockhash: string, fence: SquadsFence, plan: GrantPlan): SquadsGrantBatch[] {
  const authority = new PublicKey(fence.squads.configAuthority!);
  const ordered = [
    ...plan.steps.filter((s) => s.change.kind === 'remove'),
    ...plan.steps.filter((s) => s.change.kind === 'add'),
    ...plan.steps.filter((s) => s.change.kind === 'config'),
  ];
  const batches: SquadsGrantBatch[] = [];
  for (const step of ordered) {
    const instructions = [controlledInstruction({ multisig: fence.ref.multisig, configAuthority: authority, change: step.change })];
    batches.push({
      transactionIndex: null,
      steps: [step.what],
      instructions,
      spendingLimits: [],
      unsigned: unsignedOf(blockhash, authority, instructions),
    });
  }
  return batches;
}

/**
 * An autonomous multisig: config transactions proposed by `creator`. The deployed program refuses
 * a config transaction that closes one spending limit and creates another (UnbalancedInstruction):
 * removals go first, in their own transaction; member and time-lock changes go last, since they
 * invalidate transactions before them.
 */
function configBatches(blockhash: string, fence: SquadsFence, plan: GrantPlan, creator: PublicKey, agentText: string): SquadsGrantBatch[] {
  const groups = [plan.steps.filter((s) => s.change.kind === 'remove'), plan.steps.filter((s) => s.change.kind !== 'remove')].filter(
    (g) => g.length > 0,
  );
  const batches: SquadsGrantBatch[] = [];
  let current = fence.squads.transactionIndex;
  for (const group of groups) {
    const config = planConfigTransaction({
      multisig: fence.ref.multisig,
      currentIndex: current,
      creator,
      changes: group.map((s) => s.change),
      memo: `steward grant --squads for ${agentText}`,
    });
    current = config.transactionIndex;
    batches.push({
      transactionIndex: config.transactionIndex,
      steps: group.map((s) => s.what),
      instructions: config.create,
      spendingLimits: config.spendingLimits,
      unsigned: unsignedOf(blockhash, creator, config.create),
    });
  }
  return batches;
}

/** Who proposes: --creator, else on the embedded chain a given signer who may initiate, else the first member who may; refused unless a member with Initiate. */
function creatorOf(params: SquadsGrantParams, fence: SquadsFence): PublicKey {
  const initiators = fence.squads.members.filter((m) => m.initiate).map((m) => m.key);
  const creatorText =
    params.request.creator ??
    (mayInject(params.settings.rpcUrl, params.cluster)
      ? membersAmong(params.embeddedSigners, fence, 'initiate')[0]?.publicKey.toBase58()
      : undefined) ??
    initiators[0];
  if (!creatorText || !initiators.includes(creatorText)) {
    throw new StewardError(
      'ARGUMENT_INVALID',
      `${creatorText ?? 'no key'} cannot propose: a config transaction's creator must be a member with the Initiate permission`,
      { hint: `pass --creator, one of: ${initiators.join(', ') || 'none (no member may initiate)'}` },
    );
  }
  return new PublicKey(creatorText);
}

/** Reads the multisig and the treasury, plans the limit changes and their transactions and, with `execute`, runs them on the embedded chain. */
export async function grantSquadsLimits(params: SquadsGrantParams): Promise<SquadsGrantPlan> {
  const { cluster, settings, agent, policyConfig, request } = params;
  const { ref, policy } = request;
  if (params.execute && !mayInject(settings.rpcUrl, cluster)) {
    throw new StewardError(
      'ARGUMENT_INVALID',
      `--execute applies a Squads grant only on Steward's embedded chain; ${cluster.label} is not one`,
      {
        hint: "have the multisig's members approve and execute the printed config transaction (Squads app or CLI)",
      },
    );
  }
  const agentKey = params.agentKey();
  if (!agentKey) {
    throw new StewardError('KEYPAIR_INVALID', `agent "${agent.name}" has no signer configured, so the key the limits name is unknown`, {
      hint: 'pass --agent-key PUBKEY, or configure signer in the agent file (or STEWARD_KEYPAIR)',
    });
  }
  const withVault: AgentConfig = {
    ...agent,
    treasury: {
      ...agent.treasury,
      owners: [...new Set([...agent.treasury.owners, ref.vault.toBase58()])] as typeof agent.treasury.owners,
    },
  };
  const snapshot = await readAgentTreasury(cluster, settings, withVault, policyConfig, agentKey.key, new Date());
  const agentText = agentKey.key.toBase58();
  const fence = (await readSquadsFence(cluster.connection, { agent: withVault, policy, agentKey: agentText, snapshot, ref }))!;
  const plan = planGrant({
    squads: fence.squads,
    agent: agentText,
    compiled: fence.compiled.limits,
    revoke: params.revoke,
    timeLockSeconds: request.timeLock,
    newCreateKey: () => Keypair.generate().publicKey,
  });
  const controlled = fence.squads.configAuthority !== null;
  const feePayer = controlled ? new PublicKey(fence.squads.configAuthority!) : creatorOf(params, fence);
  // One blockhash for every unsigned transaction of the plan; none is read when nothing changes.
  let batches: SquadsGrantBatch[] = [];
  if (plan.steps.length > 0) {
    const { blockhash } = await latestBlockhash(cluster.connection);
    batches = controlled ? controlledBatches(blockhash, fence, plan) : configBatches(blockhash, fence, plan, feePayer, agentText);
  }

  let executed: SquadsGrantPlan['executed'] = null;
  if (params.execute && plan.steps.length > 0) {
    const run = controlled
      ? await executeControlledOnEmbedded(cluster.connection, fence, batches, params.embeddedSigners)
      : await executeOnEmbedded(cluster.connection, fence, batches, params.embeddedSigners);
    const after = (await readSquadsFence(cluster.connection, { agent: withVault, policy, agentKey: agentText, snapshot, ref }))!;
    executed = { ...run, flagsAfter: after.flags };
  }
  return {
    cluster: cluster.label,
    agentKey,
    fence,
    plan,
    controlled,
    feePayer,
    batches,
    executed,
    symbolOf: (mint) => tokenOf(snapshot, mint),
  };
}
