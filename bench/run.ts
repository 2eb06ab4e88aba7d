// `npm run bench`: runs every benchmark module, prints one table and writes bench/results.json
// with the machine it ran on. Options:
//   --model FILE   also measure this GGUF (the generated test model is always measured)
//   --smoke        every measurement once with tiny counts (what test/chain/bench-smoke runs)
//   --only a,b     run only these modules (overhead, treasury, reviews, policy, chain, memory, injection, console, fork, llm)
//   --repeat N     run every module N times; each figure is the median of its N values (for an
//                  even N the lower middle one, so it is a value that was measured), with min,
//                  max and spread listed, and every value's load average
import { execFileSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ensureTestModel, getSharedLlama } from '../src/llm/index.js';
import { round, spread, type BenchModule, type BenchOptions, type Figure } from './lib.js';

export const MODULES: Record<string, () => Promise<BenchModule>> = {
  overhead: async () => (await import('./overhead.js')).run,
  treasury: async () => (await import('./treasury.js')).run,
  reviews: async () => (await import('./reviews.js')).run,
  policy: async () => (await import('./policy.js')).run,
  chain: async () => (await import('./chain.js')).run,
  memory: async () => (await import('./memory.js')).run,
  injection: async () => (await import('./injection.js')).run,
  console: async () => (await import('./console.js')).run,
  fork: async () => (await import('./fork.js')).run,
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

function number(value: number | null, unit = ''): string {
  if (value === null) return '—';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toLocaleString('en-US', { maximumFractionDigits: digits })}${unit ? ` ${unit}` : ''}`;
}

function formatValue(figure: Figure): string {
  const value = number(figure.value, figure.unit);
  const repeats = figure.repeats;
  return repeats && repeats.values.length > 1 ? `${value} (${number(repeats.min)}–${number(repeats.max)})` : value;
}

function formatLoad(figure: Figure): string {
  return figure.load ? `load ${figure.load.before.toFixed(1)}→${figure.load.after.toFixed(1)}` : '';
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
    lines.push(
      `  ${cell(figure.name, 70)} ${cell(formatValue(figure), 36)} ${cell(figure.target ?? '', 20)} ${cell(verdict, 6)} ${formatLoad(figure)}`.trimEnd(),
    );
  }
  return lines.join('\n');
}

/**
 * One figure per id from `repeat` runs of it: the run whose value is the median (the lower middle
 * one for an even count) stands for all, so its target verdict, method and load stay its own;
 * every value and load is listed under `repeats`.
 */
export function combineRepeats(runs: readonly Figure[][]): Figure[] {
  if (runs.length <= 1) return [...(runs[0] ?? [])];
  const byId = new Map<string, Figure[]>();
  for (const figures of runs) for (const figure of figures) byId.set(figure.id, [...(byId.get(figure.id) ?? []), figure]);
  return [...byId.values()].map((all) => {
    const measured = all.filter((f) => f.value !== null).sort((a, b) => (a.value as number) - (b.value as number));
    const representative = measured[Math.floor((measured.length - 1) / 2)] ?? (all[0] as Figure);
    const values = all.map((f) => f.value);
    const { min, max, spreadPct } = spread(values);
    return { ...representative, repeats: { values, loads: all.map((f) => f.load ?? null), min, max, spreadPct } };
  });
}

export async function runBench(
  options: BenchOptions & { only?: readonly string[]; repeat?: number; log?: (line: string) => void },
): Promise<{ figures: Figure[]; failures: { module: string; error: string }[]; seconds: Record<string, number> }> {
  const runs: Figure[][] = [];
  const failures: { module: string; error: string }[] = [];
  const seconds: Record<string, number> = {};
  const repeat = options.repeat ?? 1;
  for (let round_ = 1; round_ <= repeat; round_++) {
    const figures: Figure[] = [];
    for (const [name, load] of Object.entries(MODULES)) {
      if (options.only && !options.only.includes(name)) continue;
      const started = performance.now();
      options.log?.(`running ${name}${repeat > 1 ? ` (${round_}/${repeat})` : ''}…`);
      const before = round(loadavg()[0] ?? 0);
      try {
        const run = await load();
        const measured = await run({ size: options.size, ...(options.model ? { model: options.model } : {}) });
        const after = round(loadavg()[0] ?? 0);
        figures.push(...measured.map((figure) => (figure.load ? figure : { ...figure, load: { before, after } })));
      } catch (error) {
        failures.push({
          module: repeat > 1 ? `${name} (run ${round_})` : name,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        });
      }
      seconds[name] = round((seconds[name] ?? 0) + (performance.now() - started) / 1000, 1);
    }
    runs.push(figures);
  }
  const figures = combineRepeats(runs);
  // Figures of one issue figure together (a --model adds rows to several), in figure order.
  const order = (figure: Figure) => Number.parseInt(figure.group, 10) || Number.MAX_SAFE_INTEGER;
  figures.sort((a, b) => order(a) - order(b));
  return { figures, failures, seconds };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      model: { type: 'string' },
      smoke: { type: 'boolean', default: false },
      only: { type: 'string' },
      repeat: { type: 'string', default: '1' },
      out: { type: 'string', default: 'bench/results.json' },
    },
  });
  const repeat = Number(values.repeat);
  if (!/^\d+$/.test(values.repeat) || repeat < 1 || repeat > 50) {
    console.error(`--repeat: expected a whole number from 1 to 50, got "${values.repeat}"`);
    process.exitCode = 2;
    return;
  }
  const unknown = values.only?.split(',').filter((name) => !(name in MODULES)) ?? [];
  if (unknown.length > 0) {
    console.error(`--only: unknown module(s) ${unknown.join(', ')}; the modules are ${Object.keys(MODULES).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const options: BenchOptions = { size: values.smoke ? 'smoke' : 'full', ...(values.model ? { model: values.model } : {}) };
  const loadBefore = loadavg();
  const started = performance.now();
  const host = await machine(values.model);
  console.log(
    `Steward bench (${options.size}${repeat > 1 ? `, each module ${repeat} times, medians` : ''}) on ${String(host.cpu)} × ${String(host.cores)}, ${String(host.ramGiB)} GiB, Node ${process.version}, llama.cpp ${String(host.llamaBackend)}; load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`,
  );
  const result = await runBench({
    ...options,
    repeat,
    ...(values.only ? { only: values.only.split(',') } : {}),
    log: (line) => console.error(line),
  });
  const loadAfter = loadavg();
  console.log(table(result.figures));
  for (const failure of result.failures) console.log(`\nFAILED ${failure.module}: ${failure.error}`);
  const totalSeconds = Math.round((performance.now() - started) / 100) / 10;
  console.log(
    `\n${result.figures.length} figures in ${totalSeconds} s (per module: ${JSON.stringify(result.seconds)}); load average after ${loadAfter.map((l) => l.toFixed(2)).join(' ')}`,
  );
  writeFileSync(
    values.out,
    `${JSON.stringify({ date: new Date().toISOString(), size: options.size, repeat, machine: { ...host, loadAverage: { before: loadBefore, after: loadAfter } }, seconds: { total: totalSeconds, ...result.seconds }, figures: result.figures, failures: result.failures }, null, 2)}\n`,
  );
  console.log(`results: ${values.out}`);
  process.exitCode = result.failures.length ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
  // llama.cpp and LiteSVM handles can keep the loop alive after everything was closed.
  process.exit(process.exitCode ?? 0);
}
