// The one-transaction rule. Whatever lets money move reads the spend windows and reserves,
// evaluates the policy and records the outcome inside ONE SQLite write transaction (BEGIN
// IMMEDIATE): a second process either sees the first one's reservation or waits for it. The
// chain is read before (better-sqlite3 transactions are synchronous and cannot span an await);
// only the journal is read inside. The policy engine stays pure: this file gathers its figures.
//
// Reserves: the observed balance is taken down by every outflow the journal knows and the
// observed balance may not show yet (in flight, unknown, or confirmed after the read).
import { evaluatePolicy, type CompiledPolicy, type FiredRule, type PolicyContext, type PolicyVerdict } from '../policy/index.js';
import { isPaused } from '../store/index.js';
import { readSpendWindows, readUnsettledOutflows } from './spend-windows.js';
import { formatAmount } from '../shared/amount.js';
import type { Db } from '../store/store.js';
import { inFlightAmount } from './allowance-now.js';
import type { AllowanceCheck } from './builders/types.js';
import { recordDecision, type RecordDecisionParams } from './record-decision.js';

/** What the chain told us (prices, balances, treasury addresses), without the journal's figures. */
export type ObservedContext = Omit<PolicyContext, 'spent' | 'paused'> & {
  /** When the balances were read (unix ms); default `now`. */
  observedAt?: number | undefined;
};

/**
 * The policy context at `observed.now`: observed figures plus the journal's windows, reserves
 * and kill switch. Call it inside a write transaction, or its figures may be stale when used.
 */
export function journalContext(db: Db, policy: CompiledPolicy, observed: ObservedContext, excludeActionId?: number): PolicyContext {
  const balances: Record<string, bigint | undefined> = { ...observed.balances };
  for (const [mint, amount] of readUnsettledOutflows(db, observed.observedAt ?? observed.now, excludeActionId)) {
    const token = policy.tokensByMint.get(mint);
    const balance = token ? balances[token.symbol] : undefined;
    if (token && balance !== undefined) balances[token.symbol] = balance - amount;
  }
  const { observedAt: _observedAt, ...rest } = observed;
  return { ...rest, balances, spent: readSpendWindows(db, policy.name, policy, observed.now, excludeActionId), paused: isPaused(db) };
}

export type FencedDecisionParams = Omit<RecordDecisionParams, 'verdict'> & { observed: ObservedContext };

/** Reads windows and reserves, evaluates and journals the verdict in one BEGIN IMMEDIATE transaction. */
export function decideAndRecord(params: FencedDecisionParams): { id: number; verdict: PolicyVerdict; context: PolicyContext } {
  const { db, policy, observed, ...record } = params;
  return db
    .transaction(() => {
      const context = journalContext(db, policy, { ...observed, now: params.now.getTime() });
      const verdict = evaluatePolicy(policy, params.payload, context);
      const id = recordDecision({ ...record, db, policy, verdict });
      return { id, verdict, context };
    })
    .immediate();
}

export interface Refusal {
  reason: string;
  rules: readonly FiredRule[];
}

/**
 * The executor's second fence, run inside the write transaction that signs and journals: the
 * kill switch, the policy against the windows and reserves as the journal stands now (this
 * action left out, every other one in), and the on-chain allowance read just before minus what
 * other signed transactions have not settled yet. Undefined when signing may go ahead.
 */
export function recheckBeforeSigning(
  db: Db,
  policy: CompiledPolicy,
  action: { id: number; payload: string; mint: string | null },
  observed: ObservedContext,
  allowance: { check: AllowanceCheck; remainingNow: bigint } | undefined,
): Refusal | undefined {
  const context = journalContext(db, policy, observed, action.id);
  if (policy.paused || context.paused)
    return { reason: 'the kill switch is on (`steward pause` or paused: true in the policy)', rules: [] };
  const verdict = evaluatePolicy(policy, JSON.parse(action.payload) as unknown, context);
  if (verdict.kind === 'deny') {
    const rules = verdict.rules.filter((rule) => rule.effect === 'deny');
    return { reason: `the policy denies it now: ${rules.map((rule) => rule.reason).join('; ')}`, rules };
  }
  if (allowance && action.mint !== null) {
    const inFlight = inFlightAmount(db, action.mint, action.id);
    const left = allowance.remainingNow - inFlight;
    if (allowance.check.needed > left) {
      const { symbol, decimals } = allowance.check;
      return {
        reason: `the on-chain allowance on ${allowance.check.account} has ${formatAmount(allowance.remainingNow, decimals)} ${symbol} left, ${formatAmount(inFlight, decimals)} of it in transactions not settled yet; the action needs ${formatAmount(allowance.check.needed, decimals)}`,
        rules: [],
      };
    }
  }
  return undefined;
}
