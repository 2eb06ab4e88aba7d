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
  /** The cluster identity key (ClusterIdentity.key; older rows: "embedded", a name or URL). */
  cluster: string;
  /** The cluster's readable name, null for rows written before migration 10. */
  clusterName: string | null;
  /** scheme://host:port of the endpoint read, null for an embedded chain or older rows. */
  endpoint: string | null;
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
    /** Which chain was read: its ClusterIdentity key. */
    cluster: string;
    /** Its readable name (ClusterIdentity.name). */
    clusterName?: string | null | undefined;
    /** scheme://host:port read (ClusterIdentity.endpoint). */
    endpoint?: string | null | undefined;
    agent?: string | null | undefined;
    now?: Date | undefined;
  },
): number {
  const { snapshot, analysis } = observation;
  const snapshotText = toJsonText(snapshot);
  const analysisText = toJsonText(analysis);
  const result = statement(
    db,
    `INSERT INTO treasury_observations (owners_key, cluster, cluster_name, endpoint, agent, slot, observed_at, trusted_micro_usd, snapshot, analysis, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    ownersKey(snapshot.owners.map((owner) => owner.address)),
    observation.cluster,
    observation.clusterName ?? null,
    observation.endpoint ?? null,
    observation.agent ?? null,
    snapshot.slot,
    snapshot.observedAt,
    analysis.totals.trustedMicroUsd.toString(),
    snapshotText,
    analysisText,
    (observation.now ?? new Date()).toISOString(),
  );
  const id = Number(result.lastInsertRowid);
  lastSaved.set(db, {
    id,
    slot: BigInt(snapshot.slot),
    observedAt: snapshot.observedAt,
    cluster: observation.cluster,
    clusterName: observation.clusterName ?? null,
    endpoint: observation.endpoint ?? null,
    agent: observation.agent ?? null,
    snapshot,
    snapshotLength: snapshotText.length,
    analysisText,
  });
  return id;
}

/**
 * The observation each database saved last, as `latestObservation` reads it back, so the next
 * run's "previous observation" is not parsed again from its JSON (~1.5 ms for the demo
 * treasury). Rows are never updated, and the snapshot round-trips through JSON unchanged (tested);
 * the entry is only used when the row the query finds has the same id, slot, time and text
 * lengths (a row edited by hand is read and checked again).
 */
const lastSaved = new WeakMap<Db, Omit<StoredObservation, 'analysis'> & { snapshotLength: number; analysisText: string }>();

interface Row {
  id: number;
  cluster: string;
  cluster_name: string | null;
  endpoint: string | null;
  agent: string | null;
  slot: bigint;
  observed_at: string;
  snapshot: string;
  analysis: string;
}

/**
 * The observation of these owners on one cluster with the highest slot (slots of different
 * clusters do not compare), or null when there is none. The cluster is named by its identity
 * key (`cluster`), or — when the cluster cannot be asked who it is — by the endpoint last read
 * (`endpoint`: the newest observation made through it, whatever chain answered there).
 */
export function latestObservation(
  db: Db,
  owners: readonly string[],
  on: { cluster: string } | { endpoint: string },
): StoredObservation | null {
  const [column, value, order] = 'cluster' in on ? ['cluster', on.cluster, 'slot DESC, id DESC'] : ['endpoint', on.endpoint, 'id DESC'];
  const latest = statement(
    db,
    `SELECT id, slot, observed_at, length(snapshot) AS snapshot_length, length(analysis) AS analysis_length FROM treasury_observations
       WHERE owners_key = ? AND ${column} = ? ORDER BY ${order} LIMIT 1`,
  )
    .safeIntegers(true)
    .get(ownersKey(owners), value) as
    { id: bigint; slot: bigint; observed_at: string; snapshot_length: bigint; analysis_length: bigint } | undefined;
  if (!latest) return null;
  const saved = lastSaved.get(db);
  if (
    saved &&
    BigInt(saved.id) === latest.id &&
    saved.slot === latest.slot &&
    saved.observedAt === latest.observed_at &&
    BigInt(saved.snapshotLength) === latest.snapshot_length &&
    BigInt(saved.analysisText.length) === latest.analysis_length
  ) {
    const { analysisText, snapshotLength: _length, ...rest } = saved;
    return { ...rest, analysis: JSON.parse(analysisText) as Jsonified<TreasuryAnalysis> };
  }
  const row = statement(
    db,
    'SELECT id, cluster, cluster_name, endpoint, agent, slot, observed_at, snapshot, analysis FROM treasury_observations WHERE id = ?',
  )
    .safeIntegers(true)
    .get(latest.id) as (Omit<Row, 'id'> & { id: bigint }) | undefined;
  if (!row) return null;
  try {
    return {
      id: Number(row.id),
      slot: row.slot,
      observedAt: row.observed_at,
      cluster: row.cluster,
      clusterName: row.cluster_name,
      endpoint: row.endpoint,
      agent: row.agent,
      snapshot: parseSnapshot(JSON.parse(row.snapshot)),
      analysis: JSON.parse(row.analysis) as Jsonified<TreasuryAnalysis>,
    };
  } catch (error) {
    throw new StewardError(
      'STORE_FAILED',
      `treasury observation ${row.id} in the database does not read back: ${(error as Error).message}`,
      {
        hint: 'the row was written by another version or edited by hand; delete it (DELETE FROM treasury_observations WHERE id = ...) and observe again',
        context: { id: Number(row.id) },
        cause: error,
      },
    );
  }
}

/** The trusted value of these owners over time (oldest first, at most `limit` points), for charts. */
export function observationHistory(
  db: Db,
  owners: readonly string[],
  options: { cluster: string; limit?: number },
): { id: number; observedAt: string; slot: bigint; trustedMicroUsd: bigint }[] {
  const rows = statement(
    db,
    `SELECT id, observed_at, slot, trusted_micro_usd FROM treasury_observations
       WHERE owners_key = ? AND cluster = ? ORDER BY id DESC LIMIT ?`,
  )
    .safeIntegers(true)
    .all(ownersKey(owners), options.cluster, options.limit ?? 500) as {
    id: bigint;
    observed_at: string;
    slot: bigint;
    trusted_micro_usd: string;
  }[];
  return rows
    .reverse()
    .map((row) => ({ id: Number(row.id), observedAt: row.observed_at, slot: row.slot, trustedMicroUsd: BigInt(row.trusted_micro_usd) }));
}
