// The optimized engine against verdicts recorded from the engine before the optimizations
// (policy-bench-verdicts.json, written by policy-bench-mix.ts): same kinds, same rules in the
// same order, same reasons, same resolved actions, and the same spend windows, byte for byte.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { recordMix } from './policy-bench-mix.js';

const recorded = JSON.parse(readFileSync(new URL('./policy-bench-verdicts.json', import.meta.url), 'utf8')) as {
  distinct: string[];
  sequence: number[];
};

describe('evaluatePolicy on the bench mix', () => {
  it('gives exactly the recorded verdicts and windows', () => {
    const lines = recordMix();
    expect(lines.length).toBe(recorded.sequence.length);
    for (const [i, line] of lines.entries()) {
      const expected = recorded.distinct[recorded.sequence[i] as number];
      if (line !== expected) expect(`${i}: ${line}`).toBe(`${i}: ${expected}`);
    }
  });
});
