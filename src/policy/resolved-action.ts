// The resolved form of a proposed action: tokens looked up in the policy table, amounts in base
// units, addresses checked, and the USD value of an outflow when a trusted price exists. This is
// what the execution engine builds from and what the ledger records.
import type { Address } from '../shared/address.js';
import { formatAmount } from '../shared/amount.js';
import type { CompiledToken } from './compile-policy.js';
import { MICRO_USD_DECIMALS } from '../shared/index.js';

/** Tokens leaving a treasury account because of the action. */
export interface Outflow {
  token: CompiledToken;
  amount: bigint;
  /** Micro-USD (rounded up), undefined when no trusted price existed. */
  usd: bigint | undefined;
}

export type ResolvedAction =
  | {
      kind: 'transfer';
      token: CompiledToken;
      amount: bigint;
      to: Address;
      internal: boolean;
      memo: string | undefined;
      outflow: Outflow;
      reason: string | undefined;
    }
  | {
      kind: 'swap';
      from: CompiledToken;
      to: CompiledToken;
      amount: bigint;
      maxSlippageBps: number;
      outflow: Outflow;
      reason: string | undefined;
    }
  | { kind: 'stake'; token: CompiledToken; amount: bigint; validator: Address; outflow: Outflow; reason: string | undefined }
  | { kind: 'unstake'; stakeAccount: Address; amount: bigint | undefined; reason: string | undefined }
  | { kind: 'vote'; proposal: Address; choice: 'yes' | 'no' | 'abstain' | 'relinquish'; reason: string | undefined }
  | { kind: 'none'; reason: string };

/** The `actions` row columns a resolved action fills (token, mint, amount, usd, destination). */
export interface LedgerColumns {
  token: string | null;
  mint: string | null;
  /** Base units as a decimal string. */
  amount: string | null;
  /** USD as a decimal string, null when unpriced. */
  usd: string | null;
  destination: string | null;
}

export function ledgerColumns(action: ResolvedAction): LedgerColumns {
  const outflow = 'outflow' in action ? action.outflow : undefined;
  const destination =
    action.kind === 'transfer'
      ? action.to
      : action.kind === 'stake'
        ? action.validator
        : action.kind === 'vote'
          ? action.proposal
          : action.kind === 'unstake'
            ? action.stakeAccount
            : null;
  return {
    token: outflow?.token.symbol ?? null,
    mint: outflow?.token.mint ?? null,
    amount: outflow
      ? outflow.amount.toString()
      : action.kind === 'unstake' && action.amount !== undefined
        ? action.amount.toString()
        : null,
    usd: outflow?.usd === undefined ? null : formatAmount(outflow.usd, MICRO_USD_DECIMALS),
    destination,
  };
}
