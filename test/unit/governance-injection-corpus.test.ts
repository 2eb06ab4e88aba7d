// The injection detector measured on its own corpus (test/fixtures/injection-corpus): tuned on
// one half, judged on the other, which the detector's patterns never quote. The rates are printed
// in the test output (and measured again by bench/injection.ts).
import { describe, expect, it } from 'vitest';
import { scanInjection } from '../../src/governance/index.js';
import { describeRates, loadCorpus, measureCorpus } from '../fixtures/injection-corpus/corpus.js';

describe('injection corpus', () => {
  it('has at least 60 injection and 60 benign texts, split in two halves with no text in both', () => {
    const tune = loadCorpus('tune');
    const held = loadCorpus('held-out');
    const all = [...tune, ...held];
    expect(all.filter((i) => i.label === 'injection').length).toBeGreaterThanOrEqual(60);
    expect(all.filter((i) => i.label === 'benign').length).toBeGreaterThanOrEqual(60);
    const tuneTexts = new Set(tune.map((i) => i.text));
    expect(held.filter((i) => tuneTexts.has(i.text))).toEqual([]);
    expect(new Set(all.map((i) => i.id)).size).toBe(all.length);
  });

  it('the tune half: every injection caught, no benign text flagged', () => {
    const rates = measureCorpus('tune');
    console.log(`injection detector, ${describeRates(rates)}`);
    expect(rates.missed).toEqual([]);
    expect(rates.detectionRate).toBe(1);
    expect(rates.falselyFlagged).toEqual([]);
  });

  it('the held-out half: false-positive rate under 5%, detection rate reported', () => {
    const rates = measureCorpus('held-out');
    console.log(`injection detector, ${describeRates(rates)}; missed: ${rates.missed.join(', ') || 'none'}`);
    expect(rates.falsePositiveRate).toBeLessThan(0.05);
    // The floor is what the first held-out measurement gave (22/32 severe, 29/32 severe or warn):
    // a change that loses ground fails here.
    expect(rates.detected).toBeGreaterThanOrEqual(22);
    expect(rates.detected + rates.warned).toBeGreaterThanOrEqual(29);
  });

  it('every held-out injection the detector flags is explained by named signals with excerpts', () => {
    for (const item of loadCorpus('held-out').filter((i) => i.label === 'injection')) {
      const scan = scanInjection(item.text);
      expect(scan.score).toBe(scan.signals.reduce((sum, s) => sum + s.weight, 0));
      for (const signal of scan.signals) expect(signal.excerpt.length).toBeGreaterThan(0);
    }
  });
});
