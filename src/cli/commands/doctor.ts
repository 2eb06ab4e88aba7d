// `steward doctor`: what this machine, configuration and cluster look like to Steward: node,
// llama.cpp, the default model, the database, the config, then the preflight against the
// cluster (src/agent/preflight*.ts). Every check reports instead of throwing, so one broken part
// does not hide the others; any failed check exits 1.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { describeCluster, resolveCluster } from '../../chain/cluster.js';
import { formatPreflightProblem } from '../../agent/preflight.js';
import { inspectConfig, type ConfigReport, type Settings } from '../../config/index.js';
import { chooseModel, readModelHeader, missingRequiredKeys, resolveModelPath } from '../../llm/index.js';
import { redactUrl, terminalText } from '../../shared/index.js';
import { latestSchemaVersion, openStore } from '../../store/index.js';
import { createContext, type CliContext, type CliIo } from '../context.js';
import { runPreflight } from '../preflight.js';
import { SUMMARY } from '../summaries.js';

interface Check {
  name: string;
  ok: boolean;
  value: string;
}

async function llamaBackend(): Promise<Check[]> {
  try {
    const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
    const llama = await getLlama({ gpu: 'auto', build: 'never', progressLogs: false, logLevel: LlamaLogLevel.error });
    try {
      const backend = llama.gpu === false ? 'CPU' : llama.gpu.toUpperCase();
      const checks: Check[] = [
        { name: 'llama.cpp backend', ok: true, value: `${backend} (build ${llama.buildType}, ${llama.cpuMathCores} CPU math cores)` },
      ];
      if (llama.gpu !== false) {
        const names = await llama.getGpuDeviceNames();
        const vram = await llama.getVramState();
        checks.push({
          name: 'GPU',
          ok: true,
          value: `${names.join(', ') || 'unknown'}; VRAM ${(vram.free / 2 ** 30).toFixed(1)} GiB free of ${(vram.total / 2 ** 30).toFixed(1)} GiB`,
        });
      }
      return checks;
    } finally {
      await llama.dispose();
    }
  } catch (error) {
    return [{ name: 'llama.cpp backend', ok: false, value: `unavailable: ${(error as Error).message}` }];
  }
}

/** The model agents fall back to (STEWARD_MODEL / STEWARD_OPENAI_BASE_URL): where it is and whether llama.cpp can load it. */
async function configuredModel(settings: Settings): Promise<Check> {
  try {
    const choice = chooseModel(undefined, settings);
    if (choice.kind === 'none')
      return { name: 'default model', ok: true, value: 'none (agents must name one; the demo uses the generated test model)' };
    if (choice.kind === 'remote')
      return { name: 'default model', ok: true, value: `remote ${choice.model} at ${redactUrl(choice.baseUrl)}` };
    const path = await resolveModelPath(choice.reference, { modelsDir: settings.modelsDir, download: false });
    const header = await readModelHeader(path);
    const missing = missingRequiredKeys(header);
    const architecture = (header.metadata as { general?: { architecture?: string } }).general?.architecture ?? 'unknown';
    return {
      name: 'default model',
      ok: missing.length === 0,
      value:
        missing.length === 0
          ? `local ${path} (${architecture}; GPU layers offloaded automatically to fit free VRAM)`
          : `local ${path} lacks ${missing.join(', ')}: llama.cpp cannot load it`,
    };
  } catch (error) {
    return { name: 'default model', ok: false, value: (error as Error).message };
  }
}

/**
 * The cluster as the agents need it: it answers with the genesis hash its name says, the policy's
 * mints and oracles are there, signing agents hold allowances; and each agent's key and model
 * files (the preflight `validate --chain` and `start` run). Without a valid config, only whether
 * the cluster answers.
 */
async function clusterChecks(ctx: CliContext, report: ConfigReport): Promise<Check[]> {
  try {
    return await clusterChecksOrThrow(ctx, report);
  } catch (error) {
    return [{ name: 'cluster', ok: false, value: (error as Error).message }];
  }
}

async function clusterChecksOrThrow(ctx: CliContext, report: ConfigReport): Promise<Check[]> {
  const label = describeCluster(resolveCluster(ctx.settings.rpcUrl));
  if (report.problems.length > 0 || report.files.length === 0) {
    const cluster = await ctx.openCluster();
    try {
      const identity = await cluster.identity();
      return [{ name: 'cluster', ok: true, value: `${identity.name} (${identity.key})` }];
    } catch (error) {
      return [{ name: 'cluster', ok: false, value: (error as Error).message }];
    } finally {
      await cluster.close();
    }
  }
  const preflight = await runPreflight(ctx, report.config, { chain: true });
  const unreachable = preflight.problems.find((problem) => problem.kind === 'cluster' && problem.file === null);
  const identity = preflight.notes.find((note) => note.subject === 'cluster');
  return [
    { name: 'cluster', ok: !unreachable, value: unreachable ? unreachable.message : identity ? identity.text : label },
    ...preflight.notes
      .filter((note) => note.subject !== 'cluster')
      .map((note) => ({ name: note.subject, ok: true, value: terminalText(note.text) })),
    ...preflight.problems
      .filter((problem) => problem !== unreachable)
      .map((problem) => ({ name: 'preflight', ok: false, value: terminalText(formatPreflightProblem(problem)) })),
  ];
}

export function registerDoctor(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('doctor')
    .description(SUMMARY['doctor'])
    .option('--json', 'print the checks as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const ctx = createContext(command, io);
      const checks: Check[] = [];
      const major = Number(process.versions.node.split('.')[0]);
      checks.push({ name: 'node', ok: major >= 20, value: `${process.version} on ${process.platform}-${process.arch}` });
      checks.push(...(await llamaBackend()));
      checks.push(await configuredModel(ctx.settings));
      try {
        const store = openStore(resolve(ctx.settings.db));
        checks.push({ name: 'database', ok: true, value: `${store.path} (schema ${store.schemaVersion} of ${latestSchemaVersion()})` });
        store.close();
      } catch (error) {
        checks.push({ name: 'database', ok: false, value: (error as Error).message });
      }
      const report = inspectConfig(resolve(ctx.settings.configDir));
      checks.push({
        name: 'config',
        ok: report.problems.length === 0 && report.files.length > 0,
        value:
          report.files.length === 0
            ? `no agents/ or policies/ under ${resolve(ctx.settings.configDir)}`
            : `${report.config.agents.length} agent(s), ${report.config.policies.length} polic(ies), ${report.problems.length} problem(s)${report.problems.length ? ' — run `steward validate`' : ''}`,
      });
      checks.push(...(await clusterChecks(ctx, report)));
      if (options.json) io.stdout(JSON.stringify(checks, null, 2));
      else for (const check of checks) io.stdout(`${check.ok ? 'ok  ' : 'FAIL'} ${check.name.padEnd(18)} ${check.value}`);
      setExit(checks.every((check) => check.ok) ? 0 : 1);
    });
}
