// What Steward writes to disk (the database and its WAL, reports) says what a treasury holds and
// plans: it is created readable by its owner only, folders 0700 and files 0600, and an existing
// file is narrowed to that on every write. Text written through here is redacted first.
import { chmodSync, closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { redactText } from './redact.js';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `dir` (and missing parents) owner-only. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/** Creates `path` empty if missing, in an owner-only folder, and narrows it to 0600. */
export function ensurePrivateFile(path: string): void {
  ensurePrivateDir(dirname(path));
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  chmodSync(path, PRIVATE_FILE_MODE);
}

/** Writes `text`, redacted, to `path`, owner-only. */
export function writePrivateFile(path: string, text: string): void {
  ensurePrivateDir(dirname(path));
  writeFileSync(path, redactText(text), { mode: PRIVATE_FILE_MODE });
  chmodSync(path, PRIVATE_FILE_MODE);
}
