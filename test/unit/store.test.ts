import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { isStewardError } from '../../src/errors/index.js';
import {
  durableTransaction,
  getSetting,
  latestSchemaVersion,
  migrations,
  openStore,
  setSetting,
  type Migration,
} from '../../src/store/index.js';
import { tempDir } from '../helpers/tmp.js';

describe('store', () => {
  const dir = tempDir();

  it('applies every migration on a fresh file, with WAL and foreign keys on', () => {
    const path = join(dir, 'fresh.db');
    const store = openStore(path);
    try {
      expect(store.schemaVersion).toBe(latestSchemaVersion());
      expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
      const versions = store.db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
      expect(versions).toEqual(migrations.map((migration) => migration.version).sort((a, b) => a - b));
    } finally {
      store.close();
    }
  });

  it('is idempotent on an existing file and keeps its data', () => {
    const path = join(dir, 'again.db');
    const first = openStore(path);
    setSetting(first.db, 'paused', 'true');
    first.close();
    const second = openStore(path);
    try {
      expect(getSetting(second.db, 'paused')).toBe('true');
      expect(second.db.prepare('SELECT COUNT(*) FROM schema_migrations').pluck().get()).toBe(migrations.length);
    } finally {
      second.close();
    }
  });

  it('applies only the new migrations to an older database', () => {
    const path = join(dir, 'upgrade.db');
    const v1: Migration[] = [{ version: 1, name: 'one', sql: 'CREATE TABLE one (id INTEGER PRIMARY KEY)' }];
    openStore(path, { migrations: v1 }).close();
    const v2: Migration[] = [...v1, { version: 2, name: 'two', sql: 'CREATE TABLE two (id INTEGER PRIMARY KEY)' }];
    const store = openStore(path, { migrations: v2 });
    try {
      expect(store.schemaVersion).toBe(2);
      expect(
        store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('one', 'two')").pluck().all().sort(),
      ).toEqual(['one', 'two']);
    } finally {
      store.close();
    }
  });

  it('refuses a database written by a newer Steward, naming both versions', () => {
    const path = join(dir, 'newer.db');
    openStore(path).close();
    const raw = new Database(path);
    raw.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(999, 'future', new Date().toISOString());
    raw.close();
    let thrown: unknown;
    try {
      openStore(path);
    } catch (error) {
      thrown = error;
    }
    expect(isStewardError(thrown) && thrown.code).toBe('STORE_NEWER_SCHEMA');
    expect((thrown as Error).message).toBe(
      `the database ${path} has schema version 999, newer than this Steward understands (${latestSchemaVersion()})`,
    );
  });

  it('rolls back a failing migration and leaves the database as it was', () => {
    const path = join(dir, 'broken.db');
    const good: Migration = { version: 1, name: 'good', sql: 'CREATE TABLE good (id INTEGER PRIMARY KEY)' };
    const bad: Migration = { version: 2, name: 'bad', sql: 'CREATE TABLE good (id INTEGER)' };
    openStore(path, { migrations: [good] }).close();
    expect(() => openStore(path, { migrations: [good, bad] })).toThrow(/migrating .* failed/);
    const store = openStore(path, { migrations: [good] });
    expect(store.schemaVersion).toBe(1);
    store.close();
  });
});

describe('durableTransaction', () => {
  it('syncs its own commit (synchronous FULL inside), leaves other commits at NORMAL, and rolls back on a throw', () => {
    using store = openStore(join(tempDir('steward-durable-'), 'store.db'));
    const level = () => store.db.pragma('synchronous', { simple: true });
    expect(level()).toBe(1);
    const seen = durableTransaction(store.db, () => {
      setSetting(store.db, 'k', 'v');
      return level();
    });
    expect(seen).toBe(2);
    expect(level()).toBe(1);
    expect(getSetting(store.db, 'k')).toBe('v');
    expect(() =>
      durableTransaction(store.db, () => {
        setSetting(store.db, 'k', 'w');
        throw new TypeError('boom');
      }),
    ).toThrow('boom');
    expect(getSetting(store.db, 'k')).toBe('v');
    expect(level()).toBe(1);
  });
});

describe('store migrations landing out of order', () => {
  const dir = tempDir();
  it('applies a lower version that was missing when a higher one was already applied', () => {
    const path = join(dir, 'gap.db');
    const one: Migration = { version: 1, name: 'one', sql: 'CREATE TABLE one (id INTEGER PRIMARY KEY)' };
    const three: Migration = { version: 3, name: 'three', sql: 'CREATE TABLE three (id INTEGER PRIMARY KEY)' };
    const two: Migration = { version: 2, name: 'two', sql: 'CREATE TABLE two (id INTEGER PRIMARY KEY)' };
    openStore(path, { migrations: [one, three] }).close();
    const store = openStore(path, { migrations: [one, two, three] });
    try {
      expect(store.db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all()).toEqual([1, 2, 3]);
    } finally {
      store.close();
    }
  });
});
