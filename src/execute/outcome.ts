// What executeAction reports. A discriminated union: every way an action can end up is data
// the agent puts in its run report, not an exception.
import type { FiredRule, TransactionEffects } from '../policy/index.js';

export type RefusalStage = 'state' | 'paused' | 'resolve' | 'build' | 'allowance' | 'simulation' | 'effects' | 'recheck';

export type ExecutionOutcome =
  | {
      status: 'confirmed';
      actionId: number;
      signature: string;
      attempt: number;
      slot: bigint | undefined;
      memo: string;
      notes: readonly string[];
    }
  | { status: 'failed'; actionId: number; signature: string; attempt: number; error: string; logs: readonly string[] }
  | { status: 'expired'; actionId: number; signature: string; attempt: number; error: string }
  /** Sent; the RPC answers disagree or could not be true: counts as spent until settled (recoverPending). */
  | { status: 'unknown'; actionId: number; signature: string; attempt: number; error: string }
  /** Sent, not yet settled within the wait: recoverPending settles it later. */
  | { status: 'pending'; actionId: number; signature: string; attempt: number }
  | {
      status: 'refused';
      actionId: number;
      stage: RefusalStage;
      reason: string;
      hint: string;
      rules: readonly FiredRule[];
      logs: readonly string[];
    }
  | {
      status: 'dry-run';
      actionId: number;
      effects: TransactionEffects;
      unitsConsumed: number;
      computeUnitLimit: number;
      memo: string;
      notes: readonly string[];
      logs: readonly string[];
    }
  /** Built but not sendable here (a vote where no governance program runs): reported, never faked. */
  | {
      status: 'prepared';
      actionId: number;
      reason: string;
      instructions: readonly { programId: string; accounts: readonly string[]; data: string }[];
    };
