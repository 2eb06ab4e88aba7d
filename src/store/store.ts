// The SQLite store: one file, WAL, foreign keys on, numbered migrations applied at open inside
// one transaction. A database written by a newer Steward is refused rather than guessed at.
import { ensurePrivateFile } from '../shared/private-files.js';
import Database from 'better-sqlite3';
import { StewardError } from '../errors/index.js';
import { migrations as allMigrations, type Migration } from './migrations/index.js';

export type Db = Database.Database;

export interface Store {
  db: Db;
  path: string;
  /** Highest migration applied. */
  schemaVersion: number;
  close(): void;
  [Symbol.dispose](): void;
}

export interface OpenStoreOptions {
  /** For tests: a different migration list. */
  migrations?: readonly Migration[];
  readonly?: boolean;
}

export function latestSchemaVersion(migrations: readonly Migration[] = allMigrations): number {
  return migrations.reduce((max, migration) => Math.max(max, migration.version), 0);
}

/** Opens (creating if needed) the database at `path` (or ':memory:') and migrates it. */
export function openStore(path: string, options: OpenStoreOptions = {}): Store {
  const migrations = options.migrations ?? allMigrations;
  // Owner-only: SQLite creates the -wal and -shm files with the database file's mode.
  if (path !== ':memory:' && !options.readonly) ensurePrivateFile(path);
  let db: Db;
  try {
    db = new Database(path, options.readonly ? { readonly: true, fileMustExist: true } : {});
  } catch (error) {
    throw new StewardError('STORE_FAILED', `cannot open the database ${path}: ${(error as Error).message}`, {
      hint: 'check the STEWARD_DB path and its folder permissions',
      context: { path },
      cause: error,
    });
  }
  try {
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    if (path !== ':memory:' && !options.readonly) {
      db.pragma('journal_mode = WAL');
      // Said, not assumed: better-sqlite3 builds SQLite with DEFAULT_WAL_SYNCHRONOUS=1, so a WAL
      // commit reaches the OS but is not synced (a process crash keeps it, a power cut may not).
      // The commits exactly-once depends on are synced one by one (durableTransaction).
      db.pragma('synchronous = NORMAL');
    }
    const schemaVersion = options.readonly ? currentVersion(db) : migrate(db, migrations, path);
    const store: Store = {
      db,
      path,
      schemaVersion,
      close: () => {
        if (db.open) db.close();
      },
      [Symbol.dispose]: () => store.close(),
    };
    return store;
  } catch (error) {
    db.close();
    throw error;
  }
}

function currentVersion(db: Db): number {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!exists) return 0;
  const row = db.prepare('SELECT MAX(version) AS version FROM schema_migrations').get() as { version: number | null };
  return row.version ?? 0;
}

function appliedVersions(db: Db): Set<number> {
  return new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
}

function migrate(db: Db, migrations: readonly Migration[], path: string): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const latest = latestSchemaVersion(migrations);
  const current = currentVersion(db);
  if (current > latest) {
    throw new StewardError(
      'STORE_NEWER_SCHEMA',
      `the database ${path} has schema version ${current}, newer than this Steward understands (${latest})`,
      {
        hint: 'upgrade Steward to the version that wrote this database, or point STEWARD_DB at another file',
        context: { path, current, latest },
      },
    );
  }
  // Apply every known migration the database lacks, in version order, not only those above the
  // highest applied one: versions may land out of order while several features are developed.
  // Read what is applied inside the write transaction: several processes may open a new
  // database at the same moment, and only the first may apply a migration.
  const apply = db.transaction(() => {
    const applied = appliedVersions(db);
    const pending = [...migrations].filter((migration) => !applied.has(migration.version)).sort((a, b) => a.version - b.version);
    for (const migration of pending) {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        new Date().toISOString(),
      );
    }
  });
  try {
    apply.immediate();
  } catch (error) {
    throw new StewardError('STORE_FAILED', `migrating ${path} failed: ${(error as Error).message}`, {
      hint: 'the database was left unchanged; report this with the message above',
      context: { path },
      cause: error,
    });
  }
  return latest;
}

/**
 * `fn` in an IMMEDIATE write transaction whose commit is synced to disk before this returns
 * (SQLite `synchronous = FULL` for that commit: the WAL is fsynced, and with it every earlier
 * commit). For journal steps that must survive a power cut, above all a signed transaction
 * recorded before it is sent; ~0.1–2 ms per commit depending on the disk, so only those.
 */
export function durableTransaction<T>(db: Db, fn: () => T): T {
  const before = db.pragma('synchronous', { simple: true }) as number;
  if (before >= 2) return db.transaction(fn).immediate();
  db.pragma('synchronous = FULL');
  try {
    return db.transaction(fn).immediate();
  } finally {
    db.pragma(`synchronous = ${before}`);
  }
}
