// Figure 10 — the review's injection detector on its corpus (test/fixtures/injection-corpus):
// detection and false-positive rates on the held-out half (the detector was tuned on the other
// half only), and scans per second over the whole corpus.
import { loadavg } from 'node:os';
import { scanInjection } from '../src/governance/index.js';
import { loadCorpus, measureCorpus } from '../test/fixtures/injection-corpus/corpus.js';
import { atMost, round, type BenchOptions, type Figure } from './lib.js';

const GROUP = '10. Injection detector';

export async function run(options: BenchOptions): Promise<Figure[]> {
  const before = loadavg()[0]!;
  const held = measureCorpus('held-out');
  const tune = measureCorpus('tune');
  const texts = [...loadCorpus('tune'), ...loadCorpus('held-out')].map((i) => i.text);
  const rounds = options.size === 'smoke' ? 1 : 200;
  const started = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) for (const text of texts) scanInjection(text);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const load = { before, after: loadavg()[0]! };
  const corpus = `${held.injections} injection and ${held.benign} benign texts of test/fixtures/injection-corpus/held-out.json (tuned on tune.json only: ${round(tune.detectionRate * 100, 1)}% detected, ${round(tune.falsePositiveRate * 100, 1)}% false positives there)`;
  return [
    {
      id: 'injection.held-out-detection',
      group: GROUP,
      name: 'Held-out injections flagged severe (score ≥ 3)',
      value: round(held.detectionRate * 100, 1),
      unit: '%',
      method: `scanInjection on ${corpus}; missed entirely: ${held.missed.join(', ') || 'none'}`,
      load,
      details: { warned: held.warned, flaggedRate: held.flaggedRate },
    },
    {
      id: 'injection.held-out-flagged',
      group: GROUP,
      name: 'Held-out injections flagged severe or warn (score ≥ 2)',
      value: round(held.flaggedRate * 100, 1),
      unit: '%',
      method: `as above, counting the warn level (one strong signal)`,
      load,
    },
    {
      id: 'injection.held-out-false-positives',
      group: GROUP,
      name: 'Held-out benign proposals flagged severe',
      value: round(held.falsePositiveRate * 100, 1),
      unit: '%',
      target: '< 5%',
      met: atMost(held.falsePositiveRate * 100, 4.999),
      method: `scanInjection on ${corpus}; flagged: ${held.falselyFlagged.join(', ') || 'none'}; at warn: ${held.benignWarned}`,
      load,
    },
    {
      id: 'injection.scans-per-second',
      group: GROUP,
      name: 'Texts scanned per second',
      value: round((rounds * texts.length) / seconds, 0),
      unit: 'texts/s',
      method: `${rounds} passes over all ${texts.length} corpus texts, one core`,
      load,
    },
  ];
}
