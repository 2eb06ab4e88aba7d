// The GPU figures of issue #18, one step per process so bench/gpu/run-gpu.sh can time each one out
// on its own and a crash inside llama.cpp (a CUDA kernel that cannot run aborts the process) loses
// one step, not the run. Steps:
//   check   [--cpu] --out FILE      backend node-llama-cpp picks ('auto', as Steward does) and a
//                                    tiny F16 model fully offloaded answering 8 tokens; exit 1 with
//                                    the reason when CUDA is not what it got (--cpu: CPU expected)
//   model   --out FILE [--dims E,B,H,F]   the random-weight F16 bench model (default 2048,16,16,5632:
//                                    0.82 B weights, 1.6 GB), streamed to disk
//   measure --model FILE --what llm|reviews|overhead --out FILE [--smoke]
//                                    tokens/s with 1/4/16 sequences (bench/llm.ts), 16 reviews with 4
//                                    and 16 sequences vs one by one (bench/reviews.ts), a full agent run
//                                    vs node-llama-cpp generating the same tokens (bench/overhead.ts)
//   report  --dir DIR --out FILE     merges the steps' files into results-gpu.json, prints a table
//   markdown FILE                    the bench/README.md "GPU figures" table for a results-gpu.json
// Run with: node --no-allocation-site-pretenuring --import tsx bench/gpu/gpu.ts STEP ...
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { HumanMessage } from '@langchain/core/messages';
import { readGgufFileInfo } from 'node-llama-cpp';
import { getSharedLlama, LocalChatModel, writeTinyLlama } from '../../src/llm/index.js';
import type { Figure } from '../lib.js';

const DEFAULT_DIMS = '2048,16,16,5632';
const TPS_SEQUENCES = [1, 4, 16];
const REVIEW_SEQUENCES = [4, 16];

function args() {
  return parseArgs({
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      cpu: { type: 'boolean', default: false },
      dims: { type: 'string', default: DEFAULT_DIMS },
      model: { type: 'string' },
      what: { type: 'string' },
      smoke: { type: 'boolean', default: false },
      dir: { type: 'string' },
    },
  });
}

function need(value: string | undefined, flag: string): string {
  if (!value) throw new Error(`${flag} is required`);
  return value;
}

function parseDims(text: string): { embeddingLength: number; blockCount: number; headCount: number; feedForwardLength: number } {
  const parts = text.split(',').map(Number);
  if (parts.length !== 4 || parts.some((n) => !Number.isInteger(n) || n <= 0) || (parts[0] as number) % (parts[2] as number) !== 0) {
    throw new Error(`--dims wants WIDTH,BLOCKS,HEADS,FEED_FORWARD with WIDTH divisible by HEADS, got ${text}`);
  }
  const [embeddingLength, blockCount, headCount, feedForwardLength] = parts as [number, number, number, number];
  return { embeddingLength, blockCount, headCount, feedForwardLength };
}

/** Weights in a GGUF file, as its tensor infos count them. */
async function parameterCount(path: string): Promise<number> {
  const info = await readGgufFileInfo(path, { sourceType: 'filesystem', logWarnings: false });
  return (info.fullTensorInfo ?? []).reduce((sum, t) => sum + t.dimensions.reduce<number>((a, b) => a * Number(b), 1), 0);
}

async function check(cpuMode: boolean, out: string): Promise<void> {
  const started = performance.now();
  const llama = await getSharedLlama();
  const backend = llama.gpu || 'CPU';
  const devices = await llama.getGpuDeviceNames().catch(() => []);
  const vram = llama.gpu ? await llama.getVramState() : null;
  const info: Record<string, unknown> = {
    backend,
    devices,
    vramGiB: vram ? Math.round((vram.total / 2 ** 30) * 10) / 10 : null,
    llamaCpp: llama.llamaCppRelease,
    buildType: llama.buildType,
    cpuMathCores: llama.cpuMathCores,
  };
  console.log(
    `backend: ${backend}; devices: ${devices.join(', ') || 'none'}; llama.cpp ${llama.llamaCppRelease.release} (${llama.buildType})`,
  );
  if (!cpuMode && llama.gpu !== 'cuda') {
    writeFileSync(out, `${JSON.stringify({ ...info, ok: false }, null, 2)}\n`);
    throw new Error(
      `node-llama-cpp picked ${backend}, not CUDA: check LD_LIBRARY_PATH holds libcuda.so.1, libcudart.so.13, libcublas.so.13 and libcublasLt.so.13, and that the bundle brought @node-llama-cpp/linux-x64-cuda`,
    );
  }
  // A kernel that cannot run on this GPU fails here, at the first evaluation, not at load.
  const path = join(tmpdir(), `steward-gpu-check-${process.pid}.gguf`);
  writeTinyLlama(path, { embeddingLength: 256, blockCount: 2, headCount: 4, feedForwardLength: 512, tensorType: 'f16' });
  const model = await LocalChatModel.open({ path, sequences: 2, maxTokens: 8, seed: 1 });
  try {
    const offloaded = model.runtime.model.gpuLayers;
    const { usage, text } = await model.complete([new HumanMessage('Say hello.')], { maxTokens: 8 });
    info['check'] = {
      offloadedLayers: offloaded,
      completionTokens: usage.completionTokens,
      text,
      seconds: Math.round((performance.now() - started) / 100) / 10,
    };
    console.log(`tiny F16 model: ${offloaded} layers offloaded, ${usage.completionTokens} tokens generated on ${backend}`);
    if (!cpuMode && offloaded < 3) throw new Error(`only ${offloaded} of 3 layers went to the GPU`);
  } finally {
    await model.close();
  }
  writeFileSync(out, `${JSON.stringify({ ...info, ok: true }, null, 2)}\n`);
}

async function makeModel(out: string, dimsText: string): Promise<void> {
  const dims = parseDims(dimsText);
  const started = performance.now();
  const bytes = writeTinyLlama(out, { ...dims, tensorType: 'f16', seed: 18 });
  const seconds = (performance.now() - started) / 1000;
  const parameters = await parameterCount(out);
  console.log(
    `wrote ${out}: ${(bytes / 2 ** 30).toFixed(2)} GiB, ${(parameters / 1e9).toFixed(3)} B weights (F16), dims ${dimsText}, in ${seconds.toFixed(1)} s`,
  );
  writeFileSync(
    `${out}.json`,
    `${JSON.stringify({ path: out, bytes, parameters, dims, type: 'F16', seconds: Math.round(seconds * 10) / 10 })}\n`,
  );
}

async function measure(model: string, what: string, smoke: boolean, out: string): Promise<void> {
  const size = smoke ? 'smoke' : 'full';
  let figures: Figure[];
  if (what === 'llm') {
    const { measure: llm } = await import('../llm.js');
    figures = (await llm(model, 'gpu-model', size, smoke ? 8 : 64, TPS_SEQUENCES)).map((f) => ({
      ...f,
      group: 'GPU. Model throughput (bench/llm.ts)',
    }));
  } else if (what === 'reviews') {
    // One run: one by one, then 4 and 16 sequences, then one by one again (bench/reviews.ts).
    const { measureParallelReviews } = await import('../reviews.js');
    const found = await measureParallelReviews({
      path: model,
      generated: false,
      sequences: REVIEW_SEQUENCES,
      label: 'GPU bench model',
      idSuffix: '.gpu',
      ...(smoke ? { count: 5, maxTokens: 8, noWarmUp: true } : {}),
    });
    // The headline (4 sequences) has a GPU target of ≥ 3×.
    figures = found.map((f) => (f.target?.includes('GPU') ? { ...f, target: '≥ 3× GPU', met: f.value === null ? null : f.value >= 3 } : f));
  } else if (what === 'overhead') {
    const { measureModel } = await import('../overhead.js');
    figures = await measureModel(model, false, { size });
  } else {
    throw new Error(`--what must be llm, reviews or overhead, got ${what}`);
  }
  const backend = (await getSharedLlama()).gpu || 'CPU';
  writeFileSync(out, `${JSON.stringify({ what, backend, figures }, null, 2)}\n`);
  for (const f of figures)
    console.log(
      `  ${f.name.padEnd(70)} ${String(f.value).padStart(10)} ${f.unit}${f.target ? `  (target ${f.target}: ${f.met ? 'met' : 'MISSED'})` : ''}`,
    );
}

function readJson(path: string): Record<string, unknown> | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

async function report(dir: string, out: string): Promise<void> {
  const { table } = await import('../run.js');
  const smi = existsSync(join(dir, 'smi.txt')) ? readFileSync(join(dir, 'smi.txt'), 'utf8') : '';
  const field = (key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(smi)?.[1]?.trim() || null;
  const checkInfo = readJson(join(dir, 'check.json'));
  const modelInfo = readJson(join(dir, 'model.gguf.json'));
  // run-gpu.sh's steps: name, exit code, seconds (125: skipped, the budget was spent).
  const steps: Record<string, { rc: number; seconds: number }> = {};
  const tsv = existsSync(join(dir, 'steps.tsv')) ? readFileSync(join(dir, 'steps.tsv'), 'utf8') : '';
  for (const line of tsv.split('\n').filter(Boolean)) {
    const [name, rc, seconds] = line.split('\t');
    if (name) steps[name] = { rc: Number(rc), seconds: Number(seconds) };
  }
  const figures: Figure[] = [];
  const failures: { step: string; error: string }[] = [];
  for (const name of readdirSync(dir)
    .filter((n) => n.startsWith('figures-') && n.endsWith('.json'))
    .sort()) {
    const data = readJson(join(dir, name)) as { figures?: Figure[] } | null;
    figures.push(...(data?.figures ?? []));
  }
  for (const [step, result] of Object.entries(steps)) {
    const why = result.rc === 124 ? ' (timed out)' : result.rc === 125 ? ' (skipped: budget spent)' : '';
    if (result.rc !== 0) failures.push({ step, error: `exit ${result.rc}${why}; see run-gpu.log` });
  }
  const result = {
    date: new Date().toISOString(),
    machine: {
      gpu: field('gpu'),
      driver: field('driver'),
      cuda: field('cuda'),
      gpuMemory: field('memory'),
      computeCapability: field('compute_cap'),
      backend: checkInfo?.['backend'] ?? null,
      devices: checkInfo?.['devices'] ?? null,
      vramGiB: checkInfo?.['vramGiB'] ?? null,
      llamaCpp: checkInfo?.['llamaCpp'] ?? null,
      cudaLibrary: field('cuda_library'),
      ldLibraryPath: field('ld_library_path'),
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
      node: process.version,
      commit: field('commit'),
    },
    model: modelInfo,
    check: checkInfo?.['check'] ?? null,
    seconds: steps,
    figures,
    failures,
  };
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(
    `GPU ${String(result.machine.gpu)}, driver ${String(result.machine.driver)}, CUDA ${String(result.machine.cuda)}; llama.cpp backend ${String(result.machine.backend)}`,
  );
  console.log(table(figures));
  for (const failure of failures) console.log(`FAILED ${failure.step}: ${failure.error}`);
  console.log(`results: ${out}`);
}

/** Markdown rows for bench/README.md: machine line, then one row per figure. */
function markdown(path: string): void {
  const data = JSON.parse(readFileSync(path, 'utf8')) as {
    date: string;
    machine: Record<string, unknown>;
    model: Record<string, unknown> | null;
    figures: Figure[];
    failures: { step: string; error: string }[];
  };
  const m = data.machine;
  const model = data.model;
  console.log(
    `Measured ${data.date.slice(0, 10)} on ${String(m['gpu'])} (driver ${String(m['driver'])}, CUDA ${String(m['cuda'])}, compute capability ${String(m['computeCapability'])}), llama.cpp backend ${String(m['backend'])}, ${String(m['cpu'])} × ${String(m['cores'])}; model: random F16 weights, ${model ? `${(Number(model['parameters']) / 1e9).toFixed(2)} B weights, ${(Number(model['bytes']) / 2 ** 30).toFixed(2)} GiB` : 'unknown'}.`,
  );
  console.log('');
  console.log('| Figure | Value | Target | How |');
  console.log('|---|---|---|---|');
  for (const f of data.figures) {
    const verdict = f.met === true ? ' (met)' : f.met === false ? ' (missed)' : '';
    const how = f.method.replace(/\|/g, '\\|');
    console.log(
      `| ${f.name.replace(/\|/g, '\\|')} | ${f.value ?? '—'} ${f.unit} | ${f.target ?? '—'}${verdict} | ${how.length > 160 ? `${how.slice(0, 157)}…` : how} |`,
    );
  }
  for (const failure of data.failures) console.log(`\nFailed step ${failure.step}: ${failure.error}`);
}

async function main(): Promise<void> {
  const { values, positionals } = args();
  const step = positionals[0];
  switch (step) {
    case 'check':
      return check(values.cpu, need(values.out, '--out'));
    case 'model':
      return makeModel(need(values.out, '--out'), values.dims);
    case 'measure':
      return measure(need(values.model, '--model'), need(values.what, '--what'), values.smoke, need(values.out, '--out'));
    case 'report':
      return report(need(values.dir, '--dir'), need(values.out, '--out'));
    case 'markdown':
      return markdown(need(positionals[1], 'the results-gpu.json path'));
    default:
      throw new Error(`step must be check, model, measure, report or markdown, got ${step ?? 'nothing'}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    await main();
  } catch (error) {
    console.error(`gpu.ts: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
  // llama.cpp and LiteSVM handles can keep the loop alive after everything was closed.
  process.exit(process.exitCode ?? 0);
}
