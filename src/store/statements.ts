// Prepared statements kept per database connection: preparing one costs ~15 µs of SQLite
// parsing and planning, and a run issues the same few (its journal rows, the action journal's
// reads and transitions) again and again. Only for statements whose result mode (pluck, raw,
// safeIntegers) is the same at every call site of that SQL.
import type Database from 'better-sqlite3';
import type { Db } from './store.js';

const prepared = new WeakMap<Db, Map<string, Database.Statement>>();

/** `db.prepare(sql)`, prepared once per connection. */
export function statement(db: Db, sql: string): Database.Statement {
  let perDb = prepared.get(db);
  if (!perDb) prepared.set(db, (perDb = new Map()));
  let stmt = perDb.get(sql);
  if (!stmt) {
    stmt = db.prepare(sql);
    perDb.set(sql, stmt);
  }
  return stmt;
}
