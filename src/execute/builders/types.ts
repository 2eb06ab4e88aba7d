// What a builder hands the executor: instructions (and lookup tables) to wrap with compute
// budget and memo, the checks to make against chain state before signing, and notes for the
// report. A builder that cannot produce a transaction says why (refused) or hands back a
// prepared-but-not-sendable instruction set (a vote where no governance program runs).
import type { AddressLookupTableAccount, Connection, PublicKey, TransactionInstruction } from '@solana/web3.js';
import type { CompiledPolicy, PolicyContext, ResolvedAction } from '../../policy/index.js';
import type { RetryOptions } from '../../chain/rpc.js';

export interface BuildContext {
  connection: Connection;
  endpoint: string;
  agent: PublicKey;
  policy: CompiledPolicy;
  context: PolicyContext;
  retry: RetryOptions;
  /** Jupiter-compatible swap API (swap builder only). */
  jupiter: { baseUrl: string; fetch: typeof fetch };
  /**
   * The treasury's Squads multisig (the agent file's `treasury.squads.multisig`): transfers first
   * look for the agent's spending limits in it. Null: no Squads vault, nothing is looked up.
   */
  squadsMultisig: string | null;
  /** Lamports the agent keeps for fees when it spends its SOL float. */
  solFeeReserveLamports: bigint;
}

/** An on-chain limit checked against chain state right before signing. */
export interface AllowanceCheck {
  /** The account whose limit applies (treasury token account, or the agent for its SOL float). */
  account: string;
  symbol: string;
  decimals: number;
  needed: bigint;
  remaining: bigint;
  /** Who grants more: "the DAO (steward grant)" or "top up the agent's SOL float". */
  remedy: string;
}

export type BuildResult =
  | {
      kind: 'instructions';
      instructions: TransactionInstruction[];
      lookupTables: AddressLookupTableAccount[];
      allowance: AllowanceCheck | undefined;
      notes: string[];
    }
  | { kind: 'prepared'; instructions: TransactionInstruction[]; reason: string; notes: string[] }
  | { kind: 'refused'; reason: string; hint: string };

export type Builder<K extends ResolvedAction['kind']> = (
  action: Extract<ResolvedAction, { kind: K }>,
  ctx: BuildContext,
) => Promise<BuildResult>;
