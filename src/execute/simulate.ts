// Simulation with the post-state of every account the transaction may write, and a pre-state of the
// same moment: the raw material of TransactionEffects. The pre-state is read before and again
// after the simulation (simulateBetweenReads, src/chain); a treasury account that moved in
// between repeats the round, and one that keeps moving leaves `unstable` set so the caller
// refuses. Otherwise each pre-balance is bounded from both reads (computeEffects). The programs
// invoked come from the message (top level) and the runtime's invoke log lines (CPI); if the
// runtime truncated the logs, the CPI set is unknown and the caller must refuse.
import type {
  AccountInfo,
  AddressLookupTableAccount,
  Connection,
  SimulatedTransactionResponse,
  VersionedTransaction,
} from '@solana/web3.js';
import {
  DEFAULT_SIMULATION_ROUNDS,
  simulateBetweenReads,
  type AccountsRead,
  type BetweenReadsSlots,
} from '../chain/simulate-between-reads.js';
import type { TransactionEffects } from '../policy/index.js';
import { accountKeysOf } from './assemble.js';
import { computeEffects, programsFromLogs, tokenOwnerOf, type RawAccount } from './effects.js';
import { readAccountsAt } from '../chain/accounts-at.js';
import { rpcCall, type RetryOptions } from '../chain/rpc.js';

export type EffectsSlots = BetweenReadsSlots;

export interface SimulationResult {
  err: unknown;
  logs: string[];
  unitsConsumed: number;
  /** Undefined when the simulation failed (no post-state), the logs were truncated or the treasury never held still. */
  effects: TransactionEffects | undefined;
  logsTruncated: boolean;
  /** Slots of the last round: the reads the effects (or the refusal) came from. */
  slots: EffectsSlots;
  /** Rounds taken (read, simulate, read again); more than one when a treasury account moved meanwhile. */
  rounds: number;
  /** Treasury accounts that changed between the reads in every round (then effects is undefined). */
  unstable: string[];
}

export interface SimulateWithEffectsOptions {
  retry: RetryOptions;
  /** Whether an account (a token account: owned by `owner`) is the treasury's; these must hold still across a round. */
  isTreasury: (address: string, owner: string | null) => boolean;
  /** Rounds before giving up on a treasury that keeps moving (default 3). */
  maxRounds?: number;
}

export const DEFAULT_EFFECTS_ROUNDS = DEFAULT_SIMULATION_ROUNDS;

const rawOf = (info: AccountInfo<Buffer> | null | undefined): RawAccount | null =>
  info ? { lamports: BigInt(info.lamports), owner: info.owner.toBase58(), data: info.data } : null;

function postStates(addresses: readonly string[], value: SimulatedTransactionResponse): Map<string, RawAccount | null> {
  const post = new Map<string, RawAccount | null>();
  (value.accounts ?? []).forEach((account, i) => {
    const address = addresses[i];
    if (address === undefined) return;
    post.set(
      address,
      account ? { lamports: BigInt(account.lamports), owner: account.owner, data: Buffer.from(account.data[0] ?? '', 'base64') } : null,
    );
  });
  return post;
}

export async function simulateWithEffects(
  connection: Connection,
  endpoint: string,
  tx: VersionedTransaction,
  lookupTables: readonly AddressLookupTableAccount[],
  options: SimulateWithEffectsOptions,
): Promise<SimulationResult> {
  const { retry, isTreasury } = options;
  const all = accountKeysOf(tx, lookupTables);
  const topLevel = tx.message.compiledInstructions
    .map((ix) => all[ix.programIdIndex]?.toBase58())
    .filter((id): id is string => id !== undefined);
  // Only writable accounts can change: the runtime fails a transaction that alters a read-only
  // one. Reading (and asking the simulation for) the read-only ones too would fetch every
  // program's executable (the token program alone is ~100 KB of base64) three times a run.
  const keys = all.filter((_, i) => tx.message.isAccountWritable(i));
  const addresses = keys.map((key) => key.toBase58());

  const round = await simulateBetweenReads({
    read: (minContextSlot) => readAccountsAt(connection, endpoint, keys, retry, minContextSlot),
    simulate: async (minContextSlot) => {
      const response = await rpcCall(
        'simulateTransaction',
        endpoint,
        () =>
          connection.simulateTransaction(tx, {
            sigVerify: false,
            // The draft carries a placeholder blockhash (execute-action.ts): simulate against the latest.
            replaceRecentBlockhash: true,
            commitment: 'confirmed',
            minContextSlot,
            accounts: { encoding: 'base64', addresses },
          }),
        retry,
      );
      return { slot: response.context.slot, result: { value: response.value, post: postStates(addresses, response.value) } };
    },
    matters: (i, before, after, { post }) => {
      const address = addresses[i] ?? '';
      return isTreasury(address, tokenOwnerOf([rawOf(before), rawOf(after), post.get(address)]));
    },
    final: ({ value }) => value.err !== null,
    maxRounds: options.maxRounds ?? DEFAULT_EFFECTS_ROUNDS,
  });

  const { value, post } = round.simulation;
  const logs = value.logs ?? [];
  const base = {
    logs,
    unitsConsumed: value.unitsConsumed ?? 0,
    slots: round.slots,
    rounds: round.rounds,
    logsTruncated: false,
    unstable: [] as string[],
  };
  if (value.err !== null) return { ...base, err: value.err, effects: undefined };
  if (round.moved.length > 0) return { ...base, err: null, effects: undefined, unstable: round.moved.map((i) => addresses[i] ?? '') };
  const cpi = programsFromLogs(logs);
  if (cpi === undefined) return { ...base, err: null, effects: undefined, logsTruncated: true };
  const states = (read: AccountsRead) => new Map(addresses.map((address, i) => [address, rawOf(read.accounts[i])]));
  const effects = computeEffects(addresses, [states(round.before), states(round.after)], post, [...topLevel, ...cpi], { isTreasury });
  return { ...base, err: null, effects };
}
