// `steward grant --squads MULTISIG`: the policy compiled into the multisig's spending limits for
// the agent key, as the config transaction (and the proposal that carries it) the members
// approve and execute — or, for a controlled multisig, the instructions its config authority
// signs. Printed for the Squads app (what to enter) and as an unsigned transaction (base64).
// `--execute` works on Steward's embedded chain only, where the demo's members are the
// multisig's members: they propose, approve and execute it through the real program (or, for a
// controlled multisig whose config authority is a demo member's key, that key signs).
import {
  PublicKey,
  Keypair,
  Transaction,
  TransactionMessage,
  VersionedTransaction,
  type Connection,
  type TransactionInstruction,
} from '@solana/web3.js';
import { readSquadsFence, squadsFenceLines, squadsRefOf, type SquadsFence, type SquadsRef } from '../agent/squads-fence.js';
import type { AgentConfig, PolicyConfig } from '../config/index.js';
import type { OpenCluster } from '../chain/index.js';
import { demoKeypair } from '../demo/index.js';
import { StewardError } from '../errors/index.js';
import { compilePolicy } from '../policy/index.js';
import { formatAmount, isAddress } from '../shared/index.js';
import {
  approveInstruction,
  controlledInstruction,
  executeConfigInstruction,
  planConfigTransaction,
  planGrant,
  vaultAddress,
} from '../squads/index.js';
import { toJsonText } from '../treasury/index.js';
import type { CliContext, CliIo } from './context.js';
import { agentKeyOf } from './agents.js';
import { mayInject } from './embedded-only.js';
import { readTreasury, tokenOf } from './treasury-read.js';

export interface SquadsGrantOptions {
  squads: string;
  vaultIndex?: string;
  timeLock?: string;
  creator?: string;
  /** The delegate's public key (--agent-key). */
  agentKey?: string;
  revoke?: boolean;
  execute?: boolean;
  json?: boolean;
}

interface Printed {
  programId: string;
  accounts: { pubkey: string; isSigner: boolean; isWritable: boolean }[];
  data: string;
}

const printed = (ix: TransactionInstruction): Printed => ({
  programId: ix.programId.toBase58(),
  accounts: ix.keys.map((k) => ({ pubkey: k.pubkey.toBase58(), isSigner: k.isSigner, isWritable: k.isWritable })),
  data: Buffer.from(ix.data).toString('base64'),
});

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

async function sendSigned(connection: Connection, signers: Keypair[], instructions: TransactionInstruction[]): Promise<string> {
  const { blockhash, lastValidBlockHeight } = await connection.getLatestBlockhash('confirmed');
  const tx = new Transaction({ feePayer: signers[0]!.publicKey, blockhash, lastValidBlockHeight }).add(...instructions);
  tx.sign(...signers);
  const signature = await connection.sendRawTransaction(tx.serialize(), { preflightCommitment: 'confirmed' });
  const { value } = await connection.confirmTransaction({ signature, blockhash, lastValidBlockHeight }, 'confirmed');
  if (value.err)
    throw new StewardError('EXECUTION_FAILED', `transaction ${signature} failed on chain: ${JSON.stringify(value.err)}`, {
      hint: 'read its logs with `solana confirm -v`',
    });
  return signature;
}

async function advanceClock(connection: Connection, seconds: number): Promise<void> {
  const response = await fetch(connection.rpcEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'steward_advanceSlots', params: [Math.ceil((seconds * 1000) / 400) + 5] }),
  });
  const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
  if (!response.ok || !body || body.error)
    throw new StewardError('RPC_FAILED', `steward_advanceSlots failed: ${body?.error?.message ?? `HTTP ${response.status}`}`, {
      hint: 'only the embedded chain moves its clock on request',
    });
}

/** The demo members who are members of this multisig, with the permission asked for. */
function demoSigners(fence: SquadsFence, permission: 'initiate' | 'vote' | 'execute'): Keypair[] {
  const keys = (['alice', 'bob', 'carol'] as const).map((member) => demoKeypair(`member/${member}`));
  return keys.filter((key) => fence.squads.members.some((m) => m.key === key.publicKey.toBase58() && m[permission]));
}

/** One config transaction of the grant (or, for a controlled multisig, one authority-signed set). */
interface Batch {
  transactionIndex: bigint | null;
  steps: string[];
  instructions: TransactionInstruction[];
  spendingLimits: PublicKey[];
  unsigned: string;
}

async function executeOnEmbedded(
  connection: Connection,
  fence: SquadsFence,
  batches: readonly Batch[],
): Promise<{ signatures: string[]; notes: string[] }> {
  const creator = demoSigners(fence, 'initiate')[0];
  const voters = demoSigners(fence, 'vote').slice(0, fence.squads.threshold);
  const executor = demoSigners(fence, 'execute')[0];
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
      await advanceClock(connection, fence.squads.timeLockSeconds);
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

/** A controlled multisig on the embedded chain: its config authority, when it is a demo member's key, signs each instruction. */
async function executeControlledOnEmbedded(
  connection: Connection,
  fence: SquadsFence,
  batches: readonly Batch[],
): Promise<{ signatures: string[]; notes: string[] }> {
  const authority = (['alice', 'bob', 'carol'] as const)
    .map((member) => demoKeypair(`member/${member}`))
    .find((key) => key.publicKey.toBase58() === fence.squads.configAuthority);
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

export async function runSquadsGrant(
  ctx: CliContext,
  agent: AgentConfig,
  policyConfig: PolicyConfig,
  options: SquadsGrantOptions,
  io: CliIo,
  setExit: (code: number) => void,
): Promise<void> {
  const ref = squadsRef(agent, options);
  const timeLock = intOption(options.timeLock, '--time-lock', 7_776_000);
  if (options.creator !== undefined && !isAddress(options.creator))
    throw new StewardError('ADDRESS_INVALID', `--creator "${options.creator}" is not a Solana address`, {
      hint: 'a multisig member with the Initiate permission',
    });
  const policy = compilePolicy(policyConfig);
  const cluster: OpenCluster = await ctx.openCluster();
  try {
    if (options.execute && !mayInject(ctx.settings.rpcUrl, cluster)) {
      throw new StewardError(
        'ARGUMENT_INVALID',
        `--execute applies a Squads grant only on Steward's embedded chain; ${cluster.label} is not one`,
        {
          hint: "have the multisig's members approve and execute the printed config transaction (Squads app or CLI)",
        },
      );
    }
    const agentKey = agentKeyOf(agent, ctx.settings, cluster, options.agentKey, '--agent-key');
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
    const snapshot = await readTreasury(cluster, ctx.settings, withVault, policyConfig, agentKey.key, new Date());
    const agentText = agentKey.key.toBase58();
    const fence = (await readSquadsFence(cluster.connection, { agent: withVault, policy, agentKey: agentText, snapshot, ref }))!;
    const plan = planGrant({
      squads: fence.squads,
      agent: agentText,
      compiled: fence.compiled.limits,
      revoke: options.revoke === true,
      timeLockSeconds: timeLock,
      newCreateKey: () => Keypair.generate().publicKey,
    });
    const controlled = fence.squads.configAuthority !== null;
    const symbolOf = (mint: string) => tokenOf(snapshot, mint);

    const unsignedOf = async (payer: PublicKey, instructions: TransactionInstruction[]) => {
      const { blockhash } = await cluster.connection.getLatestBlockhash('confirmed');
      return Buffer.from(
        new VersionedTransaction(
          new TransactionMessage({ payerKey: payer, recentBlockhash: blockhash, instructions }).compileToV0Message(),
        ).serialize(),
      ).toString('base64');
    };
    let feePayer: PublicKey;
    const batches: Batch[] = [];
    if (controlled) {
      const authority = new PublicKey(fence.squads.configAuthority!);
      feePayer = authority;
      // One instruction per step, each signed by the authority; removals first, member and
      // time-lock changes last, as for a config transaction.
      const ordered = [
        ...plan.steps.filter((s) => s.change.kind === 'remove'),
        ...plan.steps.filter((s) => s.change.kind === 'add'),
        ...plan.steps.filter((s) => s.change.kind === 'config'),
      ];
      for (const step of ordered) {
        const instructions = [controlledInstruction({ multisig: ref.multisig, configAuthority: authority, change: step.change })];
        batches.push({
          transactionIndex: null,
          steps: [step.what],
          instructions,
          spendingLimits: [],
          unsigned: await unsignedOf(authority, instructions),
        });
      }
    } else {
      const initiators = fence.squads.members.filter((m) => m.initiate).map((m) => m.key);
      const creatorText =
        options.creator ??
        (mayInject(ctx.settings.rpcUrl, cluster) ? demoSigners(fence, 'initiate')[0]?.publicKey.toBase58() : undefined) ??
        initiators[0];
      if (!creatorText || !initiators.includes(creatorText)) {
        throw new StewardError(
          'ARGUMENT_INVALID',
          `${creatorText ?? 'no key'} cannot propose: a config transaction's creator must be a member with the Initiate permission`,
          { hint: `pass --creator, one of: ${initiators.join(', ') || 'none (no member may initiate)'}` },
        );
      }
      feePayer = new PublicKey(creatorText);
      // The deployed program refuses a config transaction that closes one spending limit and
      // creates another (UnbalancedInstruction): removals go first, in their own transaction;
      // member and time-lock changes go last, since they invalidate transactions before them.
      const groups = [plan.steps.filter((s) => s.change.kind === 'remove'), plan.steps.filter((s) => s.change.kind !== 'remove')].filter(
        (g) => g.length > 0,
      );
      let current = fence.squads.transactionIndex;
      for (const group of groups) {
        const config = planConfigTransaction({
          multisig: ref.multisig,
          currentIndex: current,
          creator: feePayer,
          changes: group.map((s) => s.change),
          memo: `steward grant --squads for ${agentText}`,
        });
        current = config.transactionIndex;
        batches.push({
          transactionIndex: config.transactionIndex,
          steps: group.map((s) => s.what),
          instructions: config.create,
          spendingLimits: config.spendingLimits,
          unsigned: await unsignedOf(feePayer, config.create),
        });
      }
    }

    let executed: { signatures: string[]; notes: string[]; flagsAfter: SquadsFence['flags'] } | null = null;
    if (options.execute && plan.steps.length > 0) {
      const run = controlled
        ? await executeControlledOnEmbedded(cluster.connection, fence, batches)
        : await executeOnEmbedded(cluster.connection, fence, batches);
      const after = (await readSquadsFence(cluster.connection, { agent: withVault, policy, agentKey: agentText, snapshot, ref }))!;
      executed = { ...run, flagsAfter: after.flags };
    }

    if (options.json) {
      io.stdout(
        toJsonText(
          {
            cluster: cluster.label,
            multisig: fence.squads.multisig,
            vault: fence.squads.vault,
            vaultIndex: fence.squads.vaultIndex,
            kind: controlled ? 'controlled' : 'autonomous',
            agent: agentText,
            agentSource: agentKey.source,
            action: options.revoke ? 'revoke' : 'grant',
            destinations: fence.destinations,
            compiled: fence.compiled.limits.map((l) => ({ ...l, amountText: formatAmount(l.amount, l.decimals) })),
            skipped: fence.compiled.skipped,
            caveats: fence.compiled.caveats,
            flags: fence.flags,
            kept: plan.kept.map((l) => l.address),
            steps: plan.steps.map((s) => s.what),
            transactions: batches.map((batch) => ({
              configTransactionIndex: batch.transactionIndex,
              steps: batch.steps,
              instructions: batch.instructions.map(printed),
              unsignedTransaction: { base64: batch.unsigned, feePayer: feePayer.toBase58() },
            })),
            executed,
          },
          2,
        ),
      );
      setExit(0);
      return;
    }
    io.stdout(`Chain: ${cluster.label}`);
    io.stdout(`Agent key: ${agentText} (${agentKey.source})`);
    for (const line of squadsFenceLines(fence, agentText, symbolOf)) io.stdout(line);
    io.stdout('');
    io.stdout(
      options.revoke
        ? 'Revoke: every spending limit that names the agent is removed.'
        : `Policy "${policy.name}" compiled into spending limits (destinations: ${fence.destinations.join(', ') || 'none'}):`,
    );
    if (!options.revoke) {
      for (const limit of fence.compiled.limits) {
        io.stdout(
          `  ${limit.symbol}: ${formatAmount(limit.amount, limit.decimals)} per ${limit.period}, member: the agent only${limit.priceDependent ? '  [price-dependent]' : ''}`,
        );
        for (const note of limit.notes) io.stdout(`    ${note}`);
      }
      for (const skip of fence.compiled.skipped) io.stdout(`  ${skip.symbol}: no limit — ${skip.reason}`);
      for (const caveat of fence.compiled.caveats) io.stdout(`  note: ${caveat}`);
    }
    io.stdout('');
    if (plan.steps.length === 0) {
      io.stdout('Nothing to change: the multisig already holds exactly these limits.');
      setExit(0);
      return;
    }
    io.stdout(
      'In the Squads app: Settings → Spending limits; remove and add the limits below (token, amount, period Day/Week/Month, member = the agent key, destinations as listed).',
    );
    for (const batch of batches) {
      io.stdout('');
      io.stdout(
        controlled
          ? `Instruction for the config authority ${fence.squads.configAuthority}:`
          : `Config transaction #${batch.transactionIndex} (proposed by ${feePayer.toBase58()}; then ${fence.squads.threshold} approvals and execute):`,
      );
      for (const step of batch.steps) io.stdout(`  - ${step}`);
      for (const ix of batch.instructions.map(printed)) {
        io.stdout(`  program ${ix.programId}  data ${ix.data} (base64)`);
        for (const key of ix.accounts)
          io.stdout(
            `    ${key.pubkey}  ${[key.isSigner ? 'signer' : '', key.isWritable ? 'writable' : 'readonly'].filter(Boolean).join(', ')}`,
          );
      }
      io.stdout(`  Unsigned transaction (v0, base64; fee payer and signer ${feePayer.toBase58()}):`);
      io.stdout(`  ${batch.unsigned}`);
    }
    if (executed) {
      io.stdout('');
      io.stdout(`Executed through the Squads program on the embedded chain: ${executed.notes.join('; ')}.`);
      io.stdout(`Signatures: ${executed.signatures.join(', ')}`);
      io.stdout(executed.flagsAfter.length === 0 ? 'Drift now: none.' : `Drift now: ${executed.flagsAfter.map((f) => f.id).join(', ')}`);
    }
    setExit(0);
  } finally {
    await cluster.close();
  }
}
