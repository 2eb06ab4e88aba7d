// Preflight: what would make every run of an agent fail, found before the first one. The files
// and settings an agent needs (its keypair, its model) are checked here, offline; what the
// cluster must hold (mints, oracles, allowances, the right genesis) is in preflight-chain.ts.
// `validate`, `doctor` and `start` all ask these same questions, so they agree.
import type { AgentConfig, Settings, StewardConfig } from '../config/index.js';
import { fieldPosition } from '../config/index.js';
import { toStewardError } from '../errors/index.js';
import { assertLoadableModelFile, chooseModel, resolveModelPath, type ModelChoice } from '../llm/index.js';
import { redactText, redactUrl } from '../shared/index.js';
import { testModelAllowed, type FallbackContext } from './model-fallback.js';
import { readKeypairFile } from './signer.js';

export interface PreflightProblem {
  /**
   * 'input': a file or setting to fix (the CLI exits 2); 'cluster': the cluster cannot be reached
   * (exit 1).
   */
  kind: 'input' | 'cluster';
  /** The config file the problem is in (relative), or null for an environment variable or the cluster. */
  file: string | null;
  line: number;
  column: number;
  /** The field (`signer.keypair`) or variable (`STEWARD_MODEL`) at fault. */
  path: string;
  message: string;
}

export interface PreflightNote {
  /** The agent (or "cluster") the note is about. */
  subject: string;
  text: string;
}

export interface PreflightReport {
  problems: PreflightProblem[];
  notes: PreflightNote[];
}

export function formatPreflightProblem(problem: PreflightProblem): string {
  const where = problem.file ? `${problem.file}:${problem.line}:${problem.column} ` : '';
  return `${where}${problem.path ? `${problem.path}: ` : ''}${problem.message}`;
}

/** The exit status a report calls for: 2 for a file or setting, 1 when only the cluster failed, 0 when clean. */
export function preflightExitCode(report: PreflightReport): 0 | 1 | 2 {
  if (report.problems.some((problem) => problem.kind === 'input')) return 2;
  return report.problems.length > 0 ? 1 : 0;
}

export interface AgentPreflightOptions extends FallbackContext {
  env: NodeJS.ProcessEnv;
}

type AgentFile = StewardConfig['agents'][number];

function problemAt(entry: AgentFile, path: (string | number)[], message: string): PreflightProblem {
  return { kind: 'input', file: entry.file, ...fieldPosition(entry.file, path), path: path.join('.'), message };
}

function problemIn(variable: string, message: string): PreflightProblem {
  return { kind: 'input', file: null, line: 0, column: 0, path: variable, message };
}

/** Whether a run of `agent` here would sign: then it needs a key. */
function signs(agent: AgentConfig, context: FallbackContext): boolean {
  return !context.dryRun && agent.mode !== 'dry-run' && !context.embedded;
}

function checkSigner(entry: AgentFile, settings: Settings, options: AgentPreflightOptions, report: PreflightReport): void {
  const agent = entry.config;
  const signer = agent.signer;
  if (signer && 'keypair' in signer) {
    try {
      const key = readKeypairFile(signer.keypair, 'signer.keypair');
      report.notes.push({
        subject: agent.name,
        text: `signer: keypair file ${redactText(signer.keypair)} (public key ${key.publicKey.toBase58()})`,
      });
    } catch (error) {
      report.problems.push(problemAt(entry, ['signer', 'keypair'], toStewardError(error).message));
    }
    return;
  }
  const variable = signer && 'env' in signer ? signer.env : 'STEWARD_KEYPAIR';
  const fromVariable = options.env[variable];
  const path = fromVariable || settings.keypair;
  const origin = fromVariable ? variable : 'STEWARD_KEYPAIR';
  if (path) {
    try {
      const key = readKeypairFile(path, `$${origin}`);
      report.notes.push({ subject: agent.name, text: `signer: $${origin} (public key ${key.publicKey.toBase58()})` });
    } catch (error) {
      // One problem per variable, however many agents read it.
      const message = toStewardError(error).message;
      if (!report.problems.some((problem) => problem.path === origin && problem.message === message))
        report.problems.push(problemIn(origin, message));
    }
    return;
  }
  if (signs(agent, options)) {
    report.problems.push(
      signer
        ? problemAt(
            entry,
            ['signer', 'env'],
            `$${variable} is not set, and agent "${agent.name}" (${agent.mode}) signs on ${options.clusterLabel}: set it to the path of a keypair file (\`solana-keygen new -o FILE\`)`,
          )
        : problemAt(
            entry,
            ['name'],
            `agent "${agent.name}" (${agent.mode}) signs on ${options.clusterLabel} but names no signer: add \`signer: { keypair: FILE }\` or set STEWARD_KEYPAIR`,
          ),
    );
    return;
  }
  report.notes.push({
    subject: agent.name,
    text: `signer: $${variable} is not set${options.embedded ? ' (the embedded chain uses the demo agent key)' : ' (dry runs only)'}`,
  });
}

async function checkModel(
  entry: AgentFile,
  settings: Settings,
  options: AgentPreflightOptions,
  report: PreflightReport,
  checked: Map<string, string | Error>,
): Promise<void> {
  const agent = entry.config;
  let choice: ModelChoice;
  try {
    choice = chooseModel(agent.model, settings, options.env);
  } catch (error) {
    report.problems.push(problemIn('STEWARD_OPENAI_MODEL', toStewardError(error).message));
    return;
  }
  switch (choice.kind) {
    case 'local': {
      // STEWARD_MODEL is checked once, however many agents fall back to it.
      let outcome = checked.get(choice.reference);
      if (outcome === undefined) {
        try {
          const path = await resolveModelPath(choice.reference, { modelsDir: settings.modelsDir, download: false });
          await assertLoadableModelFile(path);
          outcome = path;
        } catch (error) {
          outcome = toStewardError(error);
        }
        checked.set(choice.reference, outcome);
      }
      if (typeof outcome === 'string') {
        report.notes.push({ subject: agent.name, text: `model: local ${outcome} (GGUF header complete)` });
      } else if (choice.from === 'agent') {
        report.problems.push(problemAt(entry, ['model', 'local'], outcome.message));
      } else if (!report.problems.some((problem) => problem.path === 'STEWARD_MODEL')) {
        report.problems.push(problemIn('STEWARD_MODEL', outcome.message));
      }
      return;
    }
    case 'remote':
      report.notes.push({ subject: agent.name, text: `model: remote ${choice.model} at ${redactUrl(choice.baseUrl)}` });
      return;
    case 'none':
      if (testModelAllowed(agent, options)) {
        report.notes.push({
          subject: agent.name,
          text: `model: none configured; ${options.embedded ? 'runs on the embedded chain' : options.fork ? 'runs on the fork' : 'dry runs'} use the generated test model (random weights)`,
        });
      } else {
        report.problems.push(
          problemAt(
            entry,
            ['name'],
            `agent "${agent.name}" (${agent.mode}) has no model configured; on ${options.clusterLabel} the generated test model (random weights) is refused: set STEWARD_MODEL or \`model:\` in the agent file`,
          ),
        );
      }
      return;
    default:
      return choice satisfies never;
  }
}

/**
 * Checks every agent's keypair (file or variable: it exists and parses; the key is never shown)
 * and model (a local file exists and its GGUF header is complete; a missing model is acceptable
 * only where the test model may stand in). Never throws: everything is in the report.
 */
export async function preflightAgents(config: StewardConfig, settings: Settings, options: AgentPreflightOptions): Promise<PreflightReport> {
  const report: PreflightReport = { problems: [], notes: [] };
  const checked = new Map<string, string | Error>();
  for (const entry of config.agents) {
    checkSigner(entry, settings, options, report);
    await checkModel(entry, settings, options, report, checked);
  }
  return report;
}
