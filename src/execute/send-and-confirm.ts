// Sending the journalled bytes and settling the attempt. The only thing ever (re)sent is the
// signed transaction stored in the attempt row: same bytes, same signature, so a rebroadcast
// can land at most once. An attempt is settled only by what the chain says: a status for the
// signature (confirmed or failed, with the program logs), or a block height past the
// blockhash's last valid height with still no status (expired). Until then it stays live.
import type { Connection } from '@solana/web3.js';
import type { Db } from '../store/store.js';
import { markSent, resolveAttempt, type AttemptResolution, type AttemptRow } from './attempts.js';
import { rpcCall, type RetryOptions } from './rpc-errors.js';
import { maybeKill } from './test-hooks.js';

export interface ConfirmOptions {
  /** Between status polls. */
  pollMs: number;
  /** Resend the same bytes when no status came for this long. */
  rebroadcastMs: number;
  /** Give up waiting (the attempt stays live for recoverPending) after this long. */
  maxWaitMs: number;
}

export const defaultConfirmOptions: ConfirmOptions = { pollMs: 400, rebroadcastMs: 2_000, maxWaitMs: 90_000 };

export interface ChainIo {
  db: Db;
  connection: Connection;
  endpoint: string;
  retry: RetryOptions;
  confirm: ConfirmOptions;
  now: () => Date;
  /** Monotonic milliseconds for waits (injectable). */
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
}

export type AttemptOutcome = (AttemptResolution & { signature: string; attempt: number }) | { state: 'pending'; signature: string; attempt: number };

/** Broadcasts the stored bytes once (bounded retries on transport errors). False when it could not. */
export async function broadcast(io: ChainIo, row: AttemptRow): Promise<boolean> {
  const bytes = Buffer.from(row.tx, 'base64');
  try {
    await rpcCall('sendTransaction', io.endpoint, () => io.connection.sendRawTransaction(bytes, { skipPreflight: true, maxRetries: 0 }), io.retry);
  } catch {
    // "Already processed", a swallowed request, an RPC down after bounded retries: the status
    // poll decides, and the next rebroadcast tries again. Nothing here may settle the attempt.
    return false;
  }
  markSent(io.db, row.id, io.now());
  maybeKill('after-send');
  return true;
}

async function statusOf(io: ChainIo, signature: string): Promise<{ slot: number; err: unknown } | null> {
  const response = await rpcCall('getSignatureStatuses', io.endpoint, () => io.connection.getSignatureStatuses([signature], { searchTransactionHistory: true }), io.retry);
  const status = response.value[0];
  if (!status || (status.confirmationStatus !== 'confirmed' && status.confirmationStatus !== 'finalized')) return null;
  return { slot: status.slot, err: status.err };
}

async function logsOf(io: ChainIo, signature: string): Promise<string[]> {
  try {
    const tx = await rpcCall('getTransaction', io.endpoint, () => io.connection.getTransaction(signature, { maxSupportedTransactionVersion: 0, commitment: 'confirmed' }), io.retry);
    return tx?.meta?.logMessages ?? [];
  } catch {
    return [];
  }
}

function settle(io: ChainIo, row: AttemptRow, resolution: AttemptResolution): AttemptOutcome {
  maybeKill('before-confirm-record');
  resolveAttempt(io.db, row.id, resolution, io.now());
  return { ...resolution, signature: row.signature, attempt: row.attempt };
}

/**
 * Waits for a live attempt to settle, rebroadcasting the same bytes while its blockhash is
 * valid. `sentAt` is when the bytes last went out (undefined: never, so send now).
 */
export async function settleAttempt(io: ChainIo, row: AttemptRow, sentAt: number | undefined): Promise<AttemptOutcome> {
  const started = io.clock();
  let lastSend = sentAt;
  for (;;) {
    if (lastSend === undefined || io.clock() - lastSend >= io.confirm.rebroadcastMs) {
      await broadcast(io, row);
      lastSend = io.clock();
    }
    let status: { slot: number; err: unknown } | null = null;
    let height: number | undefined;
    try {
      status = await statusOf(io, row.signature);
      if (!status) height = await rpcCall('getBlockHeight', io.endpoint, () => io.connection.getBlockHeight('confirmed'), io.retry);
    } catch {
      // The RPC is down after bounded retries: keep the attempt live and keep trying until the
      // overall wait runs out; recoverPending picks it up later otherwise.
    }
    if (status) {
      if (status.err === null) return settle(io, row, { state: 'confirmed', slot: BigInt(status.slot) });
      const logs = await logsOf(io, row.signature);
      return settle(io, row, { state: 'failed', slot: BigInt(status.slot), error: `transaction failed on chain: ${JSON.stringify(status.err)}`, logs });
    }
    if (height !== undefined && height > row.last_valid_block_height) {
      // One last look: it may have landed in the slot we were not watching.
      const last = await statusOf(io, row.signature).catch(() => undefined);
      if (last === undefined) continue;
      if (last) continue;
      return settle(io, row, { state: 'expired', error: `blockhash expired at block height ${row.last_valid_block_height} (now ${height}) and the transaction never landed` });
    }
    if (io.clock() - started >= io.confirm.maxWaitMs) return { state: 'pending', signature: row.signature, attempt: row.attempt };
    await io.sleep(io.confirm.pollMs);
  }
}
