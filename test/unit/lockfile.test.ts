import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM script without type declarations
import { missingEntries } from '../../scripts/fix-lockfile.mjs';

describe('package-lock.json', () => {
  it('records every optional platform package of litesvm, or `npm ci` refuses the lock file', () => {
    const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as unknown;
    expect(missingEntries(lock), 'run `node scripts/fix-lockfile.mjs` after `npm install`').toEqual([]);
  });
});
