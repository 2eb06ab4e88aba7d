// The on-chain allowance as it stands right before signing, and what the journal has already
// committed against it. The builder read the allowance when it built the transaction; another
// process may have spent some since. Re-read here, and take off the amounts of transactions that
// are signed and not yet settled (the chain may not show them yet), so the executor's second
// fence holds even against a journal written by other means.
import { PublicKey, SYSVAR_CLOCK_PUBKEY, type Connection } from '@solana/web3.js';
import { SQUADS_PROGRAM_ID, clockUnixTimestamp, decodeSpendingLimit, remainingAt } from '../squads/index.js';
import { parseAmount } from '../shared/amount.js';
import type { Db } from '../store/store.js';
import { statement } from '../store/statements.js';
import type { AllowanceCheck } from './builders/types.js';
import { decodeTokenAccount, getMultipleAccounts } from './builders/token-accounts.js';
import type { RetryOptions } from '../chain/rpc.js';

/** Remaining allowance on `check.account` for `agent` now (the SOL float minus the fee reserve when the account is the agent). */
export async function readAllowanceNow(
  io: { connection: Connection; endpoint: string; retry: RetryOptions },
  agent: PublicKey,
  check: AllowanceCheck,
  solFeeReserveLamports: bigint,
): Promise<bigint> {
  const account = new PublicKey(check.account);
  const [info, clock] = await getMultipleAccounts(io.connection, io.endpoint, [account, SYSVAR_CLOCK_PUBKEY], io.retry);
  if (!info) return 0n;
  // A Squads spending limit: what a use now could move (the program's reset applied), if it still names the agent.
  if (info.owner.equals(SQUADS_PROGRAM_ID)) {
    const limit = decodeSpendingLimit(account, info);
    return limit.members.includes(agent.toBase58()) ? remainingAt(limit, clockUnixTimestamp(clock ?? null)) : 0n;
  }
  if (account.equals(agent)) {
    const lamports = BigInt(info.lamports);
    return lamports > solFeeReserveLamports ? lamports - solFeeReserveLamports : 0n;
  }
  const decoded = decodeTokenAccount(account, info);
  return decoded?.delegate?.equals(agent) ? decoded.delegatedAmount : 0n;
}

/** Base units of `mint` in transactions signed and not settled (signed, sent, unknown), other actions than `excludeActionId`. */
export function inFlightAmount(db: Db, mint: string, excludeActionId: number): bigint {
  const rows = statement(
    db,
    `SELECT DISTINCT a.id, a.amount FROM actions a JOIN transactions t ON t.action_id = a.id
       WHERE a.mint = ? AND a.id != ? AND a.amount IS NOT NULL AND t.state IN ('signed', 'sent', 'unknown')`,
  ).all(mint, excludeActionId) as { id: number; amount: string }[];
  let total = 0n;
  for (const row of rows) {
    const amount = parseAmount(row.amount, 0);
    // An unreadable row must not shrink what is in flight: count it as everything.
    if (!amount.ok) return 2n ** 64n;
    total += amount.value;
  }
  return total;
}
