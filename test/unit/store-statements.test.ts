// Prepared statements are kept per connection and behave as freshly prepared ones.
import { describe, expect, it } from 'vitest';
import { openStore, statement } from '../../src/store/index.js';

describe('statement cache', () => {
  it('prepares a statement once per connection and keeps working across writes and schema changes', () => {
    const a = openStore(':memory:');
    const b = openStore(':memory:');
    try {
      a.db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
      b.db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
      const insert = statement(a.db, 'INSERT INTO t (v) VALUES (?)');
      expect(statement(a.db, 'INSERT INTO t (v) VALUES (?)')).toBe(insert);
      expect(statement(b.db, 'INSERT INTO t (v) VALUES (?)')).not.toBe(insert);
      insert.run('x');
      statement(a.db, 'INSERT INTO t (v) VALUES (?)').run('y');
      a.db.exec('ALTER TABLE t ADD COLUMN w TEXT');
      expect(statement(a.db, 'SELECT * FROM t ORDER BY id').all()).toEqual([
        { id: 1, v: 'x', w: null },
        { id: 2, v: 'y', w: null },
      ]);
      expect(statement(b.db, 'SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 0 });
    } finally {
      a.close();
      b.close();
    }
  });
});
