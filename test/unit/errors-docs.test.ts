// docs/ERRORS.md and the code table in src/errors/codes.ts say the same thing: every code is
// documented exactly once, under its own family's heading, and the docs link each error prints
// points at a heading that exists.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCodes, errorFamilies, isStewardError, StewardError, type ErrorCode } from '../../src/errors/index.js';

const page = readFileSync(new URL('../../docs/ERRORS.md', import.meta.url), 'utf8');

/** code → the family heading (`## family`) it is listed under on the page. */
function documented(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  let family = '';
  for (const line of page.split('\n')) {
    const heading = /^## (\S+)$/.exec(line);
    if (heading) family = heading[1] ?? '';
    const row = /^\| `([A-Z_]+)` \|/.exec(line);
    if (row?.[1]) found.set(row[1], [...(found.get(row[1]) ?? []), family]);
  }
  return found;
}

describe('error codes and docs/ERRORS.md', () => {
  it('lists every code once, under its family', () => {
    const found = documented();
    for (const [code, { family }] of Object.entries(errorCodes)) {
      expect(found.get(code), code).toEqual([family]);
    }
    expect([...found.keys()].filter((code) => !(code in errorCodes))).toEqual([]);
  });

  it('has a section for every family, and each error points at its own', () => {
    for (const family of Object.keys(errorFamilies)) expect(page).toContain(`\n## ${family}\n`);
    const error = new StewardError('RPC_TIMEOUT', 'no answer in 10 s');
    expect(error.docs).toBe('docs/ERRORS.md#rpc');
    expect(error.format().split('\n').at(-1)).toBe('see: docs/ERRORS.md#rpc');
  });

  it('narrows on a code and types its context', () => {
    const error: unknown = new StewardError('RUN_NOT_FOUND', 'no run 7', { context: { runId: 7 } });
    expect(isStewardError(error, 'RPC_TIMEOUT')).toBe(false);
    if (!isStewardError(error, 'RUN_NOT_FOUND')) throw new Error('expected RUN_NOT_FOUND');
    const runId: number | undefined = error.context.runId;
    expect(runId).toBe(7);
    expect(error.kind).toBe('input');
    const codes: ErrorCode[] = Object.keys(errorCodes) as ErrorCode[];
    expect(codes.filter((code) => new StewardError(code, 'x').kind === 'input').sort()).toContain('OPTION_INVALID');
  });
});
