// Stored observations (migration 3): save each snapshot with its analysis, and find the latest
// one for a set of owners, which the next run compares against and must not be older than.
import { statement, type Db } from '../store/index.js';
import { StewardError } from '../errors/index.js';
import type { TreasuryAnalysis } from './analysis.js';
import { parseSnapshot, toJsonText, type TreasurySnapshot } from './snapshot.js';

/** A value as it reads back from JSON: bigints are decimal strings. */
export type Jsonified<T> = T extends bigint
  ? string
  : T extends Array<infer Item>
    ? Jsonified<Item>[]
    : T extends object
      ? { [K in keyof T]: Jsonified<T[K]> }
      : T;

export interface StoredObservation {
  id: number;
  slot: bigint;
  observedAt: string;
  cluster: string;
  agent: string | null;
  snapshot: TreasurySnapshot;
  /** The analysis as it was stored (amounts as decimal strings). */
  analysis: Jsonified<TreasuryAnalysis>;
}

/** The key an owner set is stored under: order and duplicates do not matter. */
export function ownersKey(owners: readonly string[]): string {
  return [...new Set(owners)].sort().join(',');
}

export function saveObservation(
  db: Db,
  observation: {
    snapshot: TreasurySnapshot;
    analysis: TreasuryAnalysis;
    /** Which chain was read: "embedded", a cluster name, or a URL without credentials. */
    cluster: string;
    agent?: string | null | undefined;
    now?: Date | undefined;
  },
): number {
  const { snapshot, analysis } = observation;
  const result = statement(
    db,
    `INSERT INTO treasury_observations (owners_key, cluster, agent, slot, observed_at, trusted_micro_usd, snapshot, analysis, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
      ownersKey(snapshot.owners.map((owner) => owner.address)),
      observation.cluster,
      observation.agent ?? null,
      snapshot.slot,
      snapshot.observedAt,
      analysis.totals.trustedMicroUsd.toString(),
      toJsonText(snapshot),
      toJsonText(analysis),
      (observation.now ?? new Date()).toISOString(),
    );
  return Number(result.lastInsertRowid);
}

interface Row {
  id: number;
  cluster: string;
  agent: string | null;
  slot: bigint;
  observed_at: string;
  snapshot: string;
  analysis: string;
}

/**
 * The observation of these owners with the highest slot (on `cluster` when given; slots of
 * different clusters do not compare), or null when there is none.
 */
export function latestObservation(db: Db, owners: readonly string[], options: { cluster?: string } = {}): StoredObservation | null {
  const byCluster = options.cluster !== undefined;
  const row = db
    .prepare(
      `SELECT id, cluster, agent, slot, observed_at, snapshot, analysis FROM treasury_observations
       WHERE owners_key = ?${byCluster ? ' AND cluster = ?' : ''} ORDER BY slot DESC, id DESC LIMIT 1`,
    )
    .safeIntegers(true)
    .get(...(byCluster ? [ownersKey(owners), options.cluster] : [ownersKey(owners)])) as (Omit<Row, 'id'> & { id: bigint }) | undefined;
  if (!row) return null;
  try {
    return {
      id: Number(row.id),
      slot: row.slot,
      observedAt: row.observed_at,
      cluster: row.cluster,
      agent: row.agent,
      snapshot: parseSnapshot(JSON.parse(row.snapshot)),
      analysis: JSON.parse(row.analysis) as Jsonified<TreasuryAnalysis>,
    };
  } catch (error) {
    throw new StewardError('STORE_FAILED', `treasury observation ${row.id} in the database does not read back: ${(error as Error).message}`, {
      hint: 'the row was written by another version or edited by hand; delete it (DELETE FROM treasury_observations WHERE id = ...) and observe again',
      context: { id: Number(row.id) },
      cause: error,
    });
  }
}

/** The trusted value of these owners over time (oldest first, at most `limit` points), for charts. */
export function observationHistory(db: Db, owners: readonly string[], options: { cluster: string; limit?: number }): { id: number; observedAt: string; slot: bigint; trustedMicroUsd: bigint }[] {
  const rows = db
    .prepare(
      `SELECT id, observed_at, slot, trusted_micro_usd FROM treasury_observations
       WHERE owners_key = ? AND cluster = ? ORDER BY id DESC LIMIT ?`,
    )
    .safeIntegers(true)
    .all(ownersKey(owners), options.cluster, options.limit ?? 500) as { id: bigint; observed_at: string; slot: bigint; trusted_micro_usd: string }[];
  return rows.reverse().map((row) => ({ id: Number(row.id), observedAt: row.observed_at, slot: row.slot, trustedMicroUsd: BigInt(row.trusted_micro_usd) }));
}
