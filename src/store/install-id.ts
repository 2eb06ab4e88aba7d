// The install's identity: 16 random hex digits created with the database (migration 8). It goes
// into every transaction memo, so two installs that share an agent key and make the same decision
// still build different bytes (different signatures), and each journal claims only its own.
import { randomBytes } from 'node:crypto';
import { getSetting } from './settings.js';
import type { Db } from './store.js';

const KEY = 'install-id';

export function installId(db: Db): string {
  const existing = getSetting(db, KEY);
  if (existing) return existing;
  db.prepare('INSERT OR IGNORE INTO settings (key, value, updated_at) VALUES (?, ?, ?)').run(
    KEY,
    randomBytes(8).toString('hex'),
    new Date().toISOString(),
  );
  return getSetting(db, KEY) as string;
}
