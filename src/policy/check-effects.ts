// checkEffects: the second check, on what a simulated transaction would really do to the
// treasury. Outflows are netted per mint over the treasury's accounts (treasury-internal moves
// net to zero) and compared with what the resolved action claimed. Any extra outflow, an outflow
// of a token the action did not name, a program outside the allow-list or a change of
// authority/owner/delegate on a treasury account denies. Pure and synchronous.
import type { CompiledPolicy } from './compile-policy.js';
import type { PolicyContext } from './context.js';
import type { TransactionEffects } from './effects.js';
import { formatAmount } from '../shared/amount.js';
import { formatUsd, valueMicroUsd } from '../shared/index.js';
import type { ResolvedAction } from './resolved-action.js';
import { checkKillSwitch } from './rules/kill-switch.js';
import { priceFor } from './rules/oracle.js';
import { deny, verdictKind, type FiredRule, type Verdict } from './verdict.js';

const NATIVE = 'native';
/**
 * Programs an allowed action of this kind cannot do without (stake/unstake are Stake program
 * instructions, a vote is SPL Governance's CastVote, a transfer from a Squads vault its spending_limit_use; another governance deployment goes in
 * allow.programs).
 */
const KIND_PROGRAMS: Partial<Record<ResolvedAction['kind'], readonly string[]>> = {
  stake: ['Stake11111111111111111111111111111111111111'],
  unstake: ['Stake11111111111111111111111111111111111111'],
  vote: ['GovER5Lthms3bLBqWub97yVrMmEogzX7xNjdXpPPCVZw'],
  // A transfer out of a Squads vault is spending_limit_use (the outflow and recipient checks still apply).
  transfer: ['SQDS4ep65T869zMMBKyuUq6aD6EgTu8psMjkvj52pCf'],
};

export function checkEffects(
  policy: CompiledPolicy,
  action: ResolvedAction,
  effects: TransactionEffects,
  context: PolicyContext,
): Verdict<ResolvedAction> {
  const rules = [...checkKillSwitch(action, { policy, context })];
  const treasury = context.treasuryAddresses;
  const isTreasury = (address: string, owner?: string) => treasury.has(address) || (owner !== undefined && treasury.has(owner));

  for (const program of new Set(effects.programs)) {
    if (!policy.programs.has(program) && !KIND_PROGRAMS[action.kind]?.includes(program)) {
      rules.push(
        deny('effects.program-not-allowed', `the transaction invokes program ${program}, which is not in the base set or allow.programs`),
      );
    }
  }
  for (const change of effects.authorityChanges) {
    if (isTreasury(change.account)) {
      rules.push(
        deny(
          'effects.authority-change',
          `the transaction changes the ${change.kind} of treasury account ${change.account} (${change.from ?? 'none'} → ${change.to ?? 'none'})`,
        ),
      );
    }
  }
  // A token account whose owner is (or was) the treasury: a changed owner shows up here too.
  for (const account of effects.tokenAccounts) {
    if (treasury.has(account.address) && !treasury.has(account.owner)) {
      rules.push(deny('effects.authority-change', `treasury token account ${account.address} ends up owned by ${account.owner}`));
    }
  }

  // Net treasury outflow per mint (positive = tokens left the treasury).
  const outflow = new Map<string, bigint>();
  const add = (mint: string, delta: bigint) => outflow.set(mint, (outflow.get(mint) ?? 0n) + delta);
  for (const account of effects.tokenAccounts) {
    if (isTreasury(account.address, account.owner)) add(account.mint, account.pre - account.post);
  }
  for (const account of effects.lamports) {
    if (isTreasury(account.address)) add(NATIVE, account.pre - account.post);
  }

  const claimed = claimedOutflow(action);
  for (const [mint, amount] of outflow) {
    if (amount <= 0n) continue;
    const token = policy.tokensByMint.get(mint);
    if (!token) {
      rules.push(
        deny(
          'effects.unknown-token',
          `the transaction moves ${amount} base units of mint ${mint}, which is not in the policy's token table`,
        ),
      );
      continue;
    }
    const allowed = claimed && claimed.mint === mint ? claimed.amount : undefined;
    if (allowed === undefined) {
      rules.push(
        deny(
          'effects.unclaimed-outflow',
          `the transaction moves ${formatAmount(amount, token.decimals)} ${token.symbol} out of the treasury, but the ${action.kind} action names no ${token.symbol} outflow`,
        ),
      );
    } else if (amount > allowed) {
      rules.push(
        deny(
          'effects.outflow-exceeds',
          `the transaction moves ${formatAmount(amount, token.decimals)} ${token.symbol} out of the treasury, more than the ${formatAmount(allowed, token.decimals)} the action claimed`,
        ),
      );
    }
  }

  if (action.kind === 'transfer' && !action.internal) checkRecipients(action, effects, treasury, rules);
  if (action.kind === 'swap') checkSwapResult(policy, action, outflow, context, rules);

  const kind = verdictKind(rules);
  // Approval was settled on the proposal; here only a deny matters.
  return kind === 'deny' ? { kind, rules, action } : { kind: 'allow', rules: [], action };
}

function claimedOutflow(action: ResolvedAction): { mint: string; amount: bigint } | undefined {
  return 'outflow' in action ? { mint: action.outflow.token.mint, amount: action.outflow.amount } : undefined;
}

/** Tokens of the transferred mint that land outside the treasury must land at the named recipient. */
function checkRecipients(
  action: Extract<ResolvedAction, { kind: 'transfer' }>,
  effects: TransactionEffects,
  treasury: ReadonlySet<string>,
  rules: FiredRule[],
): void {
  const mint = action.token.mint;
  const credits =
    mint === NATIVE
      ? effects.lamports.map((account) => ({ address: account.address, owner: account.address, gain: account.post - account.pre }))
      : effects.tokenAccounts
          .filter((account) => account.mint === mint)
          .map((account) => ({ address: account.address, owner: account.owner, gain: account.post - account.pre }));
  for (const credit of credits) {
    if (credit.gain <= 0n || treasury.has(credit.address) || treasury.has(credit.owner)) continue;
    if (credit.address !== action.to && credit.owner !== action.to) {
      rules.push(
        deny(
          'effects.destination-mismatch',
          `${formatAmount(credit.gain, action.token.decimals)} ${action.token.symbol} would land in ${credit.address} (owner ${credit.owner}), not at ${action.to}`,
        ),
      );
    }
  }
}

/** What came back must be worth at least what left, less the slippage and price impact allowed. */
function checkSwapResult(
  policy: CompiledPolicy,
  action: Extract<ResolvedAction, { kind: 'swap' }>,
  outflow: Map<string, bigint>,
  context: PolicyContext,
  rules: FiredRule[],
): void {
  const sent = outflow.get(action.from.mint) ?? 0n;
  const received = -(outflow.get(action.to.mint) ?? 0n);
  const fromPrice = priceFor(policy, context, action.from.symbol);
  const toPrice = priceFor(policy, context, action.to.symbol);
  if (!fromPrice.trusted || !toPrice.trusted) {
    rules.push(
      deny(
        'oracle.untrusted',
        `the swap result cannot be valued: ${!fromPrice.trusted ? fromPrice.reason : ''}${!fromPrice.trusted && !toPrice.trusted ? '; ' : ''}${!toPrice.trusted ? toPrice.reason : ''}`,
      ),
    );
    return;
  }
  if (sent <= 0n) return;
  const sentUsd = valueMicroUsd(sent, action.from.decimals, fromPrice.price, 'up');
  const receivedUsd = received > 0n ? valueMicroUsd(received, action.to.decimals, toPrice.price, 'down') : 0n;
  const toleranceBps = BigInt(Math.min(10_000, action.maxSlippageBps + policy.swap.maxPriceImpactBps));
  // receivedUsd / sentUsd < 1 - tolerance, without division.
  if (receivedUsd * 10_000n < sentUsd * (10_000n - toleranceBps)) {
    const lossBps = ((sentUsd - receivedUsd) * 10_000n) / sentUsd;
    rules.push(
      deny(
        'swap.realized-loss',
        `the swap returns ${formatUsd(receivedUsd, 'figure')} USD for ${formatUsd(sentUsd, 'figure')} USD sent: a ${lossBps} bps loss > the ${toleranceBps} bps allowed (slippage + price impact)`,
      ),
    );
  }
}
