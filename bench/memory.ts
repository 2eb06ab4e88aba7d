// Figure 8 — resident memory of one agent vs ten agents sharing one model. Each configuration
// runs in its own child process (bench/memory-child.ts) so nothing loaded earlier counts: RSS is
// read from /proc after llama.cpp is up (baseline) and after every agent opened the model and
// answered once. Ten agents naming the same file share one loaded model and one context (its
// sequences are pooled); for contrast, ten agents on ten copies of the file load ten models.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureTestModel } from '../src/llm/index.js';
import { atMost, modelLabel, round, type BenchOptions, type Figure } from './lib.js';

const GROUP = '8. Memory';
const run$ = promisify(execFile);

interface ChildResult {
  baseline: number;
  loaded: number;
  agents: number;
  distinctModels: number;
  contexts: number;
  contextSize: number;
  sequences: number;
}

async function child(paths: readonly string[]): Promise<ChildResult & { delta: number }> {
  const { stdout } = await run$(
    process.execPath,
    ['--no-allocation-site-pretenuring', '--import', 'tsx', 'bench/memory-child.ts', ...paths],
    { maxBuffer: 1 << 20, timeout: 180_000 },
  );
  const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as ChildResult;
  return { ...result, delta: result.loaded - result.baseline };
}

async function measure(path: string, generated: boolean, options: BenchOptions): Promise<Figure[]> {
  const label = modelLabel(path, generated);
  // Separate processes, so running them side by side changes neither one's resident memory.
  const [one, ten] = await Promise.all([child([path]), child(Array.from({ length: 10 }, () => path))]);
  const figures: Figure[] = [
    {
      id: `memory.one-agent${generated ? '' : '.given'}`,
      group: GROUP,
      name: `one agent: model + context (${label})`,
      value: round(one.delta, 1),
      unit: 'MiB RSS',
      method: `child process, VmRSS after the agent opened the model and answered once − VmRSS with llama.cpp loaded (${round(one.baseline, 1)} MiB); context ${one.contextSize} tokens × ${one.sequences} sequences`,
    },
    {
      id: `memory.ten-agents-shared${generated ? '' : '.given'}`,
      group: GROUP,
      name: `ten agents sharing the model ÷ one agent (${label})`,
      value: round(ten.delta / one.delta, 2),
      unit: '×',
      target: 'one model, not ten (< 2×)',
      met: atMost(ten.delta / one.delta, 2) === true && ten.distinctModels === 1,
      method: `same, 10 chat-model handles on one file: ${round(ten.delta, 1)} MiB vs ${round(one.delta, 1)} MiB; ${ten.distinctModels} model(s) and ${ten.contexts} context(s) loaded`,
    },
  ];
  if (options.size === 'full' && generated) {
    // What sharing saves: ten copies of the file cannot be shared (different real paths).
    const dir = mkdtempSync(join(tmpdir(), 'steward-bench-memory-'));
    try {
      const copies = Array.from({ length: 10 }, (_, i) => {
        const copy = join(dir, `copy-${i}.gguf`);
        copyFileSync(path, copy);
        return copy;
      });
      const apart = await child(copies);
      figures.push({
        id: 'memory.ten-agents-unshared',
        group: GROUP,
        name: `contrast: ten agents on ten copies of the file ÷ one agent (${label})`,
        value: round(apart.delta / one.delta, 2),
        unit: '×',
        method: `same, 10 distinct model files: ${round(apart.delta, 1)} MiB; ${apart.distinctModels} models and ${apart.contexts} contexts loaded`,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return figures;
}

export async function run(options: BenchOptions): Promise<Figure[]> {
  const figures = await measure(await ensureTestModel(), true, options);
  if (options.model) figures.push(...(await measure(options.model, false, options)));
  return figures;
}
