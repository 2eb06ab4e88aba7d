// `npm run bench`: runs every benchmark module, prints one table and writes bench/results.json
// with the machine it ran on. Options:
//   --model FILE   also measure this GGUF (the generated test model is always measured)
//   --smoke        every measurement once with tiny counts (what test/chain/bench-smoke runs)
//   --only a,b     run only these modules (overhead, treasury, reviews, policy, chain, memory, llm)
import { execFileSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ensureTestModel, getSharedLlama } from '../src/llm/index.js';
import type { BenchModule, BenchOptions, Figure } from './lib.js';

export const MODULES: Record<string, () => Promise<BenchModule>> = {
  overhead: async () => (await import('./overhead.js')).run,
  treasury: async () => (await import('./treasury.js')).run,
  reviews: async () => (await import('./reviews.js')).run,
  policy: async () => (await import('./policy.js')).run,
  chain: async () => (await import('./chain.js')).run,
  memory: async () => (await import('./memory.js')).run,
  // bench/llm.ts is the LLM layer's own bench (it also runs standalone); the table numbers its group.
  llm: async () => {
    const { run } = await import('./llm.js');
    return async (options) => (await run(options)).map((figure) => ({ ...figure, group: '9. Model throughput (bench/llm.ts)' }));
  },
};

function gitCommit(): string | null {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${commit} (uncommitted changes present)` : commit;
  } catch {
    return null;
  }
}

export async function machine(model: string | undefined): Promise<Record<string, unknown>> {
  const llama = await getSharedLlama();
  const generated = await ensureTestModel();
  const file = (path: string) => ({ path, bytes: statSync(path).size });
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    llamaBackend: llama.gpu || 'CPU',
    cpuMathCores: llama.cpuMathCores,
    models: [{ label: 'generated test model', ...file(generated) }, ...(model ? [{ label: 'given', ...file(model) }] : [])],
    commit: gitCommit(),
  };
}

function cell(value: unknown, width: number): string {
  const text = String(value);
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

function formatValue(figure: Figure): string {
  if (figure.value === null) return '—';
  const digits = Math.abs(figure.value) >= 100 ? 0 : Math.abs(figure.value) >= 10 ? 1 : 2;
  return `${figure.value.toLocaleString('en-US', { maximumFractionDigits: digits })} ${figure.unit}`;
}

export function table(figures: readonly Figure[]): string {
  const lines: string[] = [];
  let group = '';
  for (const figure of figures) {
    if (figure.group !== group) {
      group = figure.group;
      lines.push('', group);
    }
    const verdict = figure.met === undefined || figure.met === null ? '' : figure.met ? 'met' : 'MISSED';
    lines.push(`  ${cell(figure.name, 70)} ${cell(formatValue(figure), 22)} ${cell(figure.target ?? '', 20)} ${verdict}`);
  }
  return lines.join('\n');
}

export async function runBench(options: BenchOptions & { only?: readonly string[]; log?: (line: string) => void }): Promise<{ figures: Figure[]; failures: { module: string; error: string }[]; seconds: Record<string, number> }> {
  const figures: Figure[] = [];
  const failures: { module: string; error: string }[] = [];
  const seconds: Record<string, number> = {};
  for (const [name, load] of Object.entries(MODULES)) {
    if (options.only && !options.only.includes(name)) continue;
    const started = performance.now();
    options.log?.(`running ${name}…`);
    try {
      const run = await load();
      figures.push(...(await run({ size: options.size, ...(options.model ? { model: options.model } : {}) })));
    } catch (error) {
      failures.push({ module: name, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
    seconds[name] = Math.round((performance.now() - started) / 100) / 10;
  }
  // Figures of one issue figure together (a --model adds rows to several), in figure order.
  const order = (figure: Figure) => Number.parseInt(figure.group, 10) || Number.MAX_SAFE_INTEGER;
  figures.sort((a, b) => order(a) - order(b));
  return { figures, failures, seconds };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { model: { type: 'string' }, smoke: { type: 'boolean', default: false }, only: { type: 'string' }, out: { type: 'string', default: 'bench/results.json' } } });
  const options: BenchOptions = { size: values.smoke ? 'smoke' : 'full', ...(values.model ? { model: values.model } : {}) };
  const loadBefore = loadavg();
  const started = performance.now();
  const host = await machine(values.model);
  console.log(`Steward bench (${options.size}) on ${String(host.cpu)} × ${String(host.cores)}, ${String(host.ramGiB)} GiB, Node ${process.version}, llama.cpp ${String(host.llamaBackend)}; load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`);
  const result = await runBench({ ...options, ...(values.only ? { only: values.only.split(',') } : {}), log: (line) => console.error(line) });
  const loadAfter = loadavg();
  console.log(table(result.figures));
  for (const failure of result.failures) console.log(`\nFAILED ${failure.module}: ${failure.error}`);
  const totalSeconds = Math.round((performance.now() - started) / 100) / 10;
  console.log(`\n${result.figures.length} figures in ${totalSeconds} s (per module: ${JSON.stringify(result.seconds)}); load average after ${loadAfter.map((l) => l.toFixed(2)).join(' ')}`);
  writeFileSync(values.out, `${JSON.stringify({ date: new Date().toISOString(), size: options.size, machine: { ...host, loadAverage: { before: loadBefore, after: loadAfter } }, seconds: { total: totalSeconds, ...result.seconds }, figures: result.figures, failures: result.failures }, null, 2)}\n`);
  console.log(`results: ${values.out}`);
  process.exitCode = result.failures.length ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
  // llama.cpp and LiteSVM handles can keep the loop alive after everything was closed.
  process.exit(process.exitCode ?? 0);
}
