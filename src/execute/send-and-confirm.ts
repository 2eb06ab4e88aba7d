// Sending the journalled bytes and settling the attempt. The only thing ever (re)sent is the
// signed transaction stored in the attempt row: same bytes, same signature, so a rebroadcast
// can land at most once. The signature sendTransaction answers with is compared with the signed
// one: another one is an RPC fault, recorded on the attempt, never taken as success.
//
// An attempt is settled only by what the chain says, and never on one answer:
// - landed (confirmed / failed with logs): a status for the signature, and, where a second
//   endpoint is configured (STEWARD_CONFIRM_URL), the same answer from it;
// - expired: the chain is past the blockhash's last valid block height AND a status lookup with
//   transaction history finds nothing, on every endpoint, checked twice `expiryRecheckMs` apart;
// - unknown: the endpoints still disagree after the second check. An unknown attempt stays live
//   (recovery looks again) and its action counts as spent in every window.
// Until then it stays live.
import type { Connection } from '@solana/web3.js';
import type { Db } from '../store/store.js';
import { markSent, recordRpcFault, resolveAttempt, type AttemptResolution, type AttemptRow } from './attempts.js';
import { rpcCall, type RetryOptions } from '../chain/rpc.js';
import { maybeKill } from './test-hooks.js';

export interface ConfirmOptions {
  /** Between status polls. */
  pollMs: number;
  /** Resend the same bytes when no status came for this long. */
  rebroadcastMs: number;
  /** Give up waiting (the attempt stays live for recoverPending) after this long. */
  maxWaitMs: number;
  /** Between the two looks that must agree before an attempt is called expired (or unknown). */
  expiryRecheckMs: number;
}

export const defaultConfirmOptions: ConfirmOptions = { pollMs: 400, rebroadcastMs: 2_000, maxWaitMs: 90_000, expiryRecheckMs: 5_000 };

/** A second RPC endpoint that must agree before an attempt is settled. */
export interface ConfirmEndpoint {
  connection: Connection;
  endpoint: string;
}

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
  confirmWith?: ConfirmEndpoint | undefined;
}

export type AttemptOutcome =
  (AttemptResolution & { signature: string; attempt: number }) | { state: 'pending'; signature: string; attempt: number };

/** Broadcasts the stored bytes once (bounded retries on transport errors). False when it could not. */
export async function broadcast(io: ChainIo, row: AttemptRow): Promise<boolean> {
  const bytes = Buffer.from(row.tx, 'base64');
  let returned: string;
  try {
    // A send: repeated by the boundary only when it provably never reached a node (refused
    // connection, 429); a timeout or a reset leaves its outcome unknown and comes back here.
    returned = await rpcCall(
      'sendTransaction',
      io.endpoint,
      () => io.connection.sendRawTransaction(bytes, { skipPreflight: true, maxRetries: 0 }),
      io.retry,
      { kind: 'send' },
    );
  } catch {
    // "Already processed", a swallowed request, an outcome unknown, an RPC down after bounded
    // retries: the status poll decides, and the next rebroadcast of the same signed bytes (after
    // `rebroadcastMs` without a status) tries again. Nothing here may settle the attempt.
    return false;
  }
  if (returned !== row.signature) {
    recordRpcFault(
      io.db,
      row.id,
      `sendTransaction answered signature ${String(returned).slice(0, 100)}, not the signed ${row.signature}`,
      io.now(),
    );
    return false;
  }
  markSent(io.db, row.id, io.now());
  maybeKill('after-send');
  return true;
}

interface Status {
  slot: number;
  err: unknown;
}

/** One endpoint's view of an attempt: its status (null: none) and, without a status, the block height. */
interface View {
  status: Status | null;
  height: number | undefined;
}

async function viewOf(io: ChainIo, target: { connection: Connection; endpoint: string }, signature: string): Promise<View> {
  const response = await rpcCall(
    'getSignatureStatuses',
    target.endpoint,
    () => target.connection.getSignatureStatuses([signature], { searchTransactionHistory: true }),
    io.retry,
  );
  const status = response.value[0];
  if (status && (status.confirmationStatus === 'confirmed' || status.confirmationStatus === 'finalized'))
    return { status: { slot: status.slot, err: status.err }, height: undefined };
  const height = await rpcCall('getBlockHeight', target.endpoint, () => target.connection.getBlockHeight('confirmed'), io.retry);
  return { status: null, height };
}

type Judgement = { kind: 'landed'; status: Status } | { kind: 'gone' } | { kind: 'disagree'; detail: string } | { kind: 'wait' };

/** What the endpoints' views (primary first) say about an attempt valid up to `lastValid`. */
function judge(views: readonly View[], lastValid: number): Judgement {
  const landed = views.filter((view) => view.status !== null);
  if (landed.length === views.length) {
    const ok = landed.map((view) => view.status?.err === null);
    if (ok.every((value) => value === ok[0])) return { kind: 'landed', status: landed[0]?.status as Status };
    return { kind: 'disagree', detail: 'the endpoints disagree on whether the transaction failed' };
  }
  if (landed.length > 0)
    return { kind: 'disagree', detail: `${landed.length} of ${views.length} endpoints show the transaction landed, the others do not` };
  if (views.every((view) => view.height !== undefined && view.height > lastValid)) return { kind: 'gone' };
  return { kind: 'wait' };
}

async function look(io: ChainIo, signature: string): Promise<View[] | undefined> {
  try {
    const targets = [{ connection: io.connection, endpoint: io.endpoint }, ...(io.confirmWith ? [io.confirmWith] : [])];
    return await Promise.all(targets.map((target) => viewOf(io, target, signature)));
  } catch {
    // An endpoint is down after bounded retries: no judgement now.
    return undefined;
  }
}

async function logsOf(io: ChainIo, signature: string): Promise<string[]> {
  try {
    const tx = await rpcCall(
      'getTransaction',
      io.endpoint,
      () => io.connection.getTransaction(signature, { maxSupportedTransactionVersion: 0, commitment: 'confirmed' }),
      io.retry,
    );
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

async function settleLanded(io: ChainIo, row: AttemptRow, status: Status): Promise<AttemptOutcome> {
  if (status.err === null) return settle(io, row, { state: 'confirmed', slot: BigInt(status.slot) });
  const logs = await logsOf(io, row.signature);
  return settle(io, row, {
    state: 'failed',
    slot: BigInt(status.slot),
    error: `transaction failed on chain: ${JSON.stringify(status.err)}`,
    logs,
  });
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
    const first = await look(io, row.signature);
    const verdict = first ? judge(first, row.last_valid_block_height) : ({ kind: 'wait' } as const);
    if (verdict.kind === 'landed') return settleLanded(io, row, verdict.status);
    if (verdict.kind === 'gone' || verdict.kind === 'disagree') {
      // Never on one answer: look again some seconds later, on every endpoint.
      await io.sleep(io.confirm.expiryRecheckMs);
      const second = await look(io, row.signature);
      const again = second ? judge(second, row.last_valid_block_height) : ({ kind: 'wait' } as const);
      if (again.kind === 'landed') return settleLanded(io, row, again.status);
      if (again.kind === 'gone' && verdict.kind === 'gone') {
        const height = Math.min(...(second ?? []).map((view) => view.height ?? Number.POSITIVE_INFINITY));
        return settle(io, row, {
          state: 'expired',
          error: `blockhash expired at block height ${row.last_valid_block_height} (now ${height}) and the transaction is absent from history on ${second?.length ?? 1} endpoint(s), checked twice`,
        });
      }
      if (again.kind === 'disagree' || (again.kind === 'gone') !== (verdict.kind === 'gone')) {
        const detail =
          again.kind === 'disagree' ? again.detail : verdict.kind === 'disagree' ? verdict.detail : 'the answers changed between two looks';
        return settle(io, row, {
          state: 'unknown',
          error: `cannot tell whether ${row.signature} landed: ${detail}; it counts as spent until the endpoints agree (recovery looks again)`,
        });
      }
    }
    if (io.clock() - started >= io.confirm.maxWaitMs) return { state: 'pending', signature: row.signature, attempt: row.attempt };
    await io.sleep(io.confirm.pollMs);
  }
}
