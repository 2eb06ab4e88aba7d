// What needs a human, read from the journal and (for memos) from the chain: sent transactions
// whose outcome is unknown, actions a dead process abandoned before signing, runs still marked
// running by a process on another host (which this host cannot check), and Steward memos of
// ANOTHER install on the agent key (two databases sharing one key share only the on-chain
// allowance: each one's windows miss the other's spending). `steward status` shows these first.
import type { Connection, PublicKey } from '@solana/web3.js';
import type { Db } from '../store/store.js';
import { parseDecisionMemo } from './memo.js';
import { rpcCall, type RetryOptions } from '../chain/rpc.js';

export interface Attention {
  unknown: { actionId: number; signature: string; error: string | null; since: string }[];
  abandoned: { actionId: number; agent: string; kind: string; error: string | null; at: string }[];
  abandonedRuns: { runId: number; agent: string; error: string | null; at: string }[];
  otherHostRuns: { runId: number; agent: string; host: string; pid: number; since: string }[];
}

/** The journal's part. Abandoned actions and runs are listed for `recentMs` (default 7 days). */
export function journalAttention(db: Db, now: Date, recentMs = 7 * 24 * 3600_000): Attention {
  const since = new Date(now.getTime() - recentMs).toISOString();
  return {
    unknown: db
      .prepare("SELECT action_id AS actionId, signature, error, updated_at AS since FROM transactions WHERE state = 'unknown' ORDER BY id")
      .all() as Attention['unknown'],
    abandoned: db
      .prepare(
        "SELECT id AS actionId, agent, kind, error, updated_at AS at FROM actions WHERE state = 'abandoned' AND updated_at > ? ORDER BY id",
      )
      .all(since) as Attention['abandoned'],
    abandonedRuns: db
      .prepare("SELECT id AS runId, agent, error, finished_at AS at FROM runs WHERE status = 'abandoned' AND finished_at > ? ORDER BY id")
      .all(since) as Attention['abandonedRuns'],
    otherHostRuns: [],
  };
}

/** Runs marked running by a process on another host than `host`: only that host can tell whether they live. */
export function otherHostRuns(db: Db, host: string): Attention['otherHostRuns'] {
  return db
    .prepare(
      "SELECT id AS runId, agent, host, pid, started_at AS since FROM runs WHERE status = 'running' AND host IS NOT NULL AND host != ? ORDER BY id",
    )
    .all(host) as Attention['otherHostRuns'];
}

export interface ForeignMemo {
  signature: string;
  install: string;
  actionId: number;
  memo: string;
}

/** Steward memos in a transaction's logs ("Program log: Memo (len N): \"…\""). */
function memosFromLogs(logs: readonly string[]): string[] {
  const out: string[] = [];
  for (const line of logs) {
    const match = /^Program log: Memo \(len \d+\): "(.*)"$/.exec(line);
    if (match?.[1]) out.push(match[1]);
  }
  return out;
}

/** Memos the RPC put in getSignaturesForAddress ("[len] text; [len] text"). */
function memosFromField(field: string): string[] {
  return field.split('; ').map((part) => part.replace(/^\[\d+\] /, ''));
}

/**
 * Steward memos of other installs among the agent key's latest `limit` transactions. Signatures
 * already in this journal are skipped; for the others the memo comes from the RPC's memo field,
 * else from the transaction's logs (at most `lookups` transactions fetched).
 */
export async function findForeignMemos(
  io: { connection: Connection; endpoint: string; retry: RetryOptions },
  db: Db,
  agentKey: PublicKey,
  install: string,
  options: { limit?: number; lookups?: number } = {},
): Promise<ForeignMemo[]> {
  const signatures = await rpcCall(
    'getSignaturesForAddress',
    io.endpoint,
    () => io.connection.getSignaturesForAddress(agentKey, { limit: options.limit ?? 100 }, 'confirmed'),
    io.retry,
  );
  const known = db.prepare('SELECT 1 FROM transactions WHERE signature = ?').pluck();
  const out: ForeignMemo[] = [];
  let lookups = options.lookups ?? 25;
  for (const entry of signatures) {
    if (known.get(entry.signature)) continue;
    let memos: string[];
    if (entry.memo) memos = memosFromField(entry.memo);
    else {
      if (lookups-- <= 0) break;
      const tx = await rpcCall(
        'getTransaction',
        io.endpoint,
        () => io.connection.getTransaction(entry.signature, { maxSupportedTransactionVersion: 0, commitment: 'confirmed' }),
        io.retry,
      );
      memos = memosFromLogs(tx?.meta?.logMessages ?? []);
    }
    for (const memo of memos) {
      const parsed = parseDecisionMemo(memo);
      if (parsed && parsed.install !== install)
        out.push({
          signature: entry.signature,
          install: parsed.install ?? '(no install id: an older Steward)',
          actionId: parsed.actionId,
          memo,
        });
    }
  }
  return out;
}
