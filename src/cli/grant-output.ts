// How `steward grant` prints a plan: the SPL allowance (src/agent/token-grant.ts) and the Squads
// spending limits (src/agent/squads-grant.ts), each as text for the operator (the Realms
// instruction, what to enter in the Squads app) or as JSON, both with the unsigned transactions.
import type { TransactionInstruction } from '@solana/web3.js';
import type { SquadsGrantPlan } from '../agent/squads-grant.js';
import { squadsFenceLines } from '../agent/squads-fence.js';
import type { TokenGrantPlan } from '../agent/token-grant.js';
import { formatAmount, formatTokenNumber } from '../shared/index.js';

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

const flagsOf = (key: { isSigner: boolean; isWritable: boolean }): string =>
  [key.isSigner ? 'signer' : '', key.isWritable ? 'writable' : 'readonly'].filter(Boolean).join(', ');

export function tokenGrantJson(plan: TokenGrantPlan): unknown {
  const { request, account } = plan;
  const token = request.token;
  return {
    cluster: plan.cluster,
    action: request.revoke ? 'revoke' : 'approve',
    token: request.symbol,
    mint: account.mint,
    decimals: token.decimals,
    tokenAccount: account.address,
    owner: account.owner,
    agent: plan.agentKey.key.toBase58(),
    agentSource: plan.agentKey.source,
    amount: request.revoke ? null : formatAmount(request.amount, token.decimals),
    amountBaseUnits: request.revoke ? null : request.amount,
    currentDelegate: account.delegate,
    currentRemaining: account.delegatedAmount,
    realms: plan.grant.realms,
    unsignedTransaction: { base64: plan.unsigned, feePayer: plan.owner.toBase58() },
    executed: plan.executed,
  };
}

export function tokenGrantLines(plan: TokenGrantPlan): string[] {
  const { request, account, agentKey, executed } = plan;
  const { symbol, token } = request;
  const agentText = agentKey.key.toBase58();
  const current =
    account.delegate === null
      ? 'none'
      : `${formatTokenNumber(account.delegatedAmount, token.decimals)} ${symbol} to ${account.delegate === agentText ? 'the agent' : `ANOTHER key ${account.delegate}`}`;
  const what = request.revoke
    ? `revoke every delegate of treasury ${symbol} account ${account.address}`
    : `let ${agentText} spend up to ${formatTokenNumber(request.amount, token.decimals)} ${symbol} from treasury account ${account.address}`;
  return [
    `Chain: ${plan.cluster}`,
    `Grant: ${what}`,
    `Agent key: ${agentText} (${agentKey.source}); current allowance on this account: ${current}`,
    ...(request.revoke ? [] : ['An approve replaces the allowance (it does not add to it).']),
    `Only the owner ${account.owner} can sign it.`,
    '',
    'Realms proposal instruction:',
    `  program   ${plan.grant.realms.programId}`,
    '  accounts',
    ...plan.grant.realms.accounts.map((key) => `    ${key.pubkey}  ${flagsOf(key)}`),
    `  data      ${plan.grant.realms.data} (base64)`,
    '',
    `Unsigned transaction (v0, base64; fee payer and signer ${plan.owner.toBase58()}):`,
    plan.unsigned,
    ...(executed
      ? [
          '',
          `Executed: ${executed.note}.`,
          `Now: ${request.revoke ? 'no delegate' : `${formatTokenNumber(executed.remaining ?? 0n, token.decimals)} ${symbol} left to the agent`}.`,
        ]
      : []),
  ];
}

export function squadsGrantJson(result: SquadsGrantPlan, revoke: boolean): unknown {
  const { fence, plan } = result;
  return {
    cluster: result.cluster,
    multisig: fence.squads.multisig,
    vault: fence.squads.vault,
    vaultIndex: fence.squads.vaultIndex,
    kind: result.controlled ? 'controlled' : 'autonomous',
    agent: result.agentKey.key.toBase58(),
    agentSource: result.agentKey.source,
    action: revoke ? 'revoke' : 'grant',
    destinations: fence.destinations,
    compiled: fence.compiled.limits.map((l) => ({ ...l, amountText: formatAmount(l.amount, l.decimals) })),
    skipped: fence.compiled.skipped,
    caveats: fence.compiled.caveats,
    flags: fence.flags,
    kept: plan.kept.map((l) => l.address),
    steps: plan.steps.map((s) => s.what),
    transactions: result.batches.map((batch) => ({
      configTransactionIndex: batch.transactionIndex,
      steps: batch.steps,
      instructions: batch.instructions.map(printed),
      unsignedTransaction: { base64: batch.unsigned, feePayer: result.feePayer.toBase58() },
    })),
    executed: result.executed,
  };
}

export function squadsGrantLines(result: SquadsGrantPlan, revoke: boolean, policyName: string): string[] {
  const { fence, plan, executed } = result;
  const agentText = result.agentKey.key.toBase58();
  const lines = [
    `Chain: ${result.cluster}`,
    `Agent key: ${agentText} (${result.agentKey.source})`,
    ...squadsFenceLines(fence, agentText, result.symbolOf),
    '',
    revoke
      ? 'Revoke: every spending limit that names the agent is removed.'
      : `Policy "${policyName}" compiled into spending limits (destinations: ${fence.destinations.join(', ') || 'none'}):`,
  ];
  if (!revoke) {
    for (const limit of fence.compiled.limits) {
      lines.push(
        `  ${limit.symbol}: ${formatAmount(limit.amount, limit.decimals)} per ${limit.period}, member: the agent only${limit.priceDependent ? '  [price-dependent]' : ''}`,
        ...limit.notes.map((note) => `    ${note}`),
      );
    }
    for (const skip of fence.compiled.skipped) lines.push(`  ${skip.symbol}: no limit — ${skip.reason}`);
    for (const caveat of fence.compiled.caveats) lines.push(`  note: ${caveat}`);
  }
  lines.push('');
  if (plan.steps.length === 0) return [...lines, 'Nothing to change: the multisig already holds exactly these limits.'];
  lines.push(
    'In the Squads app: Settings → Spending limits; remove and add the limits below (token, amount, period Day/Week/Month, member = the agent key, destinations as listed).',
  );
  for (const batch of result.batches) {
    lines.push(
      '',
      result.controlled
        ? `Instruction for the config authority ${fence.squads.configAuthority}:`
        : `Config transaction #${batch.transactionIndex} (proposed by ${result.feePayer.toBase58()}; then ${fence.squads.threshold} approvals and execute):`,
      ...batch.steps.map((step) => `  - ${step}`),
    );
    for (const ix of batch.instructions.map(printed))
      lines.push(`  program ${ix.programId}  data ${ix.data} (base64)`, ...ix.accounts.map((key) => `    ${key.pubkey}  ${flagsOf(key)}`));
    lines.push(`  Unsigned transaction (v0, base64; fee payer and signer ${result.feePayer.toBase58()}):`, `  ${batch.unsigned}`);
  }
  if (executed) {
    lines.push(
      '',
      `Executed through the Squads program on the embedded chain: ${executed.notes.join('; ')}.`,
      `Signatures: ${executed.signatures.join(', ')}`,
      executed.flagsAfter.length === 0 ? 'Drift now: none.' : `Drift now: ${executed.flagsAfter.map((f) => f.id).join(', ')}`,
    );
  }
  return lines;
}
