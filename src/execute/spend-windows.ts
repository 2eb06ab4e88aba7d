// Reading the spend ledger and unsettled outflows from the store's `actions` table for the
// policy: the figures evaluatePolicy is given (src/policy stays pure and never reads the database).
import { StewardError } from '../errors/index.js';
import { createSpendLedger, outflowKinds, type CompiledPolicy, type LedgerEntry, type SpendWindows } from '../policy/index.js';
import { MICRO_USD_DECIMALS, parseAmount } from '../shared/index.js';
import { spendingStates, unsettledStates, type Db, statement } from '../store/index.js';

interface ActionRow {
  id: number;
  token: string;
  amount: string;
  usd: string | null;
  created_at: string;
}

/**
 * Ledger entries of `policyName` created after `since` (unix ms), from actions in a spending state.
 * `excludeActionId` leaves one action out: the executor re-checks an action against the others.
 */
export function loadLedgerEntries(db: Db, policyName: string, since: number, excludeActionId?: number): LedgerEntry[] {
  const states = spendingStates.map(() => '?').join(', ');
  const kinds = outflowKinds.map(() => '?').join(', ');
  const rows = statement(
    db,
    `SELECT id, token, amount, usd, created_at FROM actions
       WHERE policy = ? AND state IN (${states}) AND kind IN (${kinds}) AND created_at > ? AND amount IS NOT NULL AND token IS NOT NULL AND id IS NOT ?
       ORDER BY created_at`,
  ).all(policyName, ...spendingStates, ...outflowKinds, new Date(since).toISOString(), excludeActionId ?? null) as ActionRow[];
  return rows.map((row) => {
    const at = Date.parse(row.created_at);
    const amount = parseAmount(row.amount, 0);
    const usd = row.usd === null ? undefined : parseAmount(row.usd, MICRO_USD_DECIMALS, { allowZero: true });
    // A row the ledger cannot read would silently shrink a window: refuse instead.
    if (Number.isNaN(at) || !amount.ok || (usd && !usd.ok)) {
      throw new StewardError(
        'POLICY_FAILED',
        `action ${row.id} in the ledger is unreadable (created_at ${JSON.stringify(row.created_at)}, amount ${JSON.stringify(row.amount)}, usd ${JSON.stringify(row.usd)})`,
        {
          hint: 'amount must be base units as a decimal string, usd a decimal string or NULL, created_at an ISO 8601 time; fix or mark the row failed',
          context: { actionId: row.id },
        },
      );
    }
    return { at, token: row.token, amount: amount.value, usd: usd?.ok ? usd.value : undefined };
  });
}

/** The spend in each window of `policy` at `now`, read from the database. */
export function readSpendWindows(db: Db, policyName: string, policy: CompiledPolicy, now: number, excludeActionId?: number): SpendWindows {
  return createSpendLedger(loadLedgerEntries(db, policyName, now - policy.longestWindowMs, excludeActionId)).windows(policy, now);
}

/**
 * Outflows (base units by mint, every policy) that a balance read at `observedAt` may not show
 * yet: actions in flight or unknown, and those confirmed after the read. The reserve rule takes
 * them off the observed balance, or two runs would both pass it. Counting a transfer that landed
 * just before the read twice errs on the safe side.
 */
export function readUnsettledOutflows(db: Db, observedAt: number, excludeActionId?: number): Map<string, bigint> {
  const states = unsettledStates.map(() => '?').join(', ');
  const kinds = outflowKinds.map(() => '?').join(', ');
  const rows = statement(
    db,
    `SELECT id, mint, amount FROM actions
       WHERE kind IN (${kinds}) AND mint IS NOT NULL AND amount IS NOT NULL AND id IS NOT ?
         AND (state IN (${states}) OR (state = 'confirmed' AND updated_at >= ?))`,
  ).all(...outflowKinds, excludeActionId ?? null, ...unsettledStates, new Date(observedAt).toISOString()) as {
    id: number;
    mint: string;
    amount: string;
  }[];
  const out = new Map<string, bigint>();
  for (const row of rows) {
    const amount = parseAmount(row.amount, 0);
    if (!amount.ok) {
      throw new StewardError('POLICY_FAILED', `action ${row.id} in the ledger has an unreadable amount ${JSON.stringify(row.amount)}`, {
        hint: 'amount must be base units as a decimal string; fix or mark the row failed',
        context: { actionId: row.id },
      });
    }
    out.set(row.mint, (out.get(row.mint) ?? 0n) + amount.value);
  }
  return out;
}
