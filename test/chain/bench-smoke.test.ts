// Every benchmark runs once at `smoke` size, so `npm run bench` cannot rot: each module must
// return figures with a number, a unit and a method. Speed targets are NOT checked here (they
// belong to bench/results.json on a quiet machine); counts that do not depend on speed are.
import { describe, expect, it } from 'vitest';
import { MODULES, table } from '../../bench/run.js';
import type { Figure } from '../../bench/lib.js';

const all: Figure[] = [];

describe('npm run bench (smoke size)', () => {
  for (const name of Object.keys(MODULES)) {
    it(`${name} runs and reports measured figures`, { timeout: 120_000 }, async () => {
      const run = await MODULES[name]!();
      const figures = await run({ size: 'smoke' });
      expect(figures.length).toBeGreaterThan(0);
      for (const figure of figures) {
        expect(figure.method.length, figure.id).toBeGreaterThan(10);
        expect(figure.unit, figure.id).not.toBe('');
        expect(figure.value === null || Number.isFinite(figure.value), `${figure.id} = ${figure.value}`).toBe(true);
      }
      all.push(...figures);
    });
  }

  it('RPC request counts do not depend on the treasury size and stay within the targets', () => {
    const byId = new Map(all.map((figure) => [figure.id, figure]));
    expect(byId.get('rpc.observation')?.met).toBe(true);
    expect(byId.get('rpc.observation-rounds')?.met).toBe(true);
    expect(byId.get('rpc.tokens-per-owner')?.met).toBe(true);
    expect(byId.get('rpc.proposals')?.met).toBe(true);
    expect(byId.get('rpc.independent-of-size')?.met).toBe(true);
    expect(byId.get('rpc.fewer-than-per-account')?.met).toBe(true);
    expect(byId.get('memory.ten-agents-shared')?.met).toBe(true);
    // A second fork of the same upstream starts from the store's cache: fewer upstream requests.
    expect(byId.get('fork.observation-requests.warm')!.value!).toBeLessThan(byId.get('fork.observation-requests.cold')!.value!);
    expect(byId.get('fork.review-requests.warm')!.value!).toBeLessThan(byId.get('fork.review-requests.cold')!.value!);
    expect(table(all)).toContain('1. Runtime overhead');
  });
});
