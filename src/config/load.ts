// Loads every agents/*.yaml and policies/*.yaml under a config root, validates each with its
// schema and the cross-file references (an agent's policy must exist, names are unique), and
// reports all problems of all files at once.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { StewardError } from '../errors/index.js';
import { formatProblem, type ConfigProblem } from './problems.js';
import { readTextFile } from './read-text-file.js';
import { agentSchema, type AgentConfig } from './schemas/agent.js';
import { policySchema, type PolicyConfig } from './schemas/policy.js';
import { validateYaml } from './validate-yaml.js';

export interface LoadedFile<T> {
  /** Path relative to the config root, as used in messages. */
  file: string;
  config: T;
}

export interface StewardConfig {
  root: string;
  agents: LoadedFile<AgentConfig>[];
  policies: LoadedFile<PolicyConfig>[];
}

export interface ConfigReport {
  config: StewardConfig;
  problems: ConfigProblem[];
  /** Every file looked at, valid or not. */
  files: string[];
}

function yamlFiles(dir: string): string[] {
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory()) return [];
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries
    .filter((entry) => /\.ya?ml$/.test(entry))
    .sort()
    .map((entry) => join(dir, entry));
}

/** Validates without throwing: the `validate` command wants the problems, not an exception. */
export function inspectConfig(root: string): ConfigReport {
  const problems: ConfigProblem[] = [];
  const files: string[] = [];
  const config: StewardConfig = { root, agents: [], policies: [] };

  const load = <T>(dir: string, schema: Parameters<typeof validateYaml>[2], into: LoadedFile<T>[]): void => {
    for (const path of yamlFiles(join(root, dir))) {
      const file = relative(process.cwd(), path) || path;
      files.push(file);
      let read: ReturnType<typeof readTextFile>;
      try {
        read = readTextFile(path);
      } catch (error) {
        problems.push({ file, line: 1, column: 1, path: '', message: `cannot read the file: ${(error as Error).message}` });
        continue;
      }
      if (read.problem) {
        problems.push({ file, line: read.problem.line, column: read.problem.column, path: '', message: read.problem.message });
        continue;
      }
      const text = read.text;
      const result = validateYaml(file, text, schema);
      if (result.ok) into.push({ file, config: result.value as T });
      else problems.push(...result.problems);
    }
  };
  load('policies', policySchema, config.policies);
  load('agents', agentSchema, config.agents);

  checkNames('policy', config.policies, problems);
  checkNames('agent', config.agents, problems);
  const policyNames = new Set(config.policies.map((policy) => policy.config.name));
  for (const agent of config.agents) {
    if (!policyNames.has(agent.config.policy)) {
      const known = [...policyNames].join(', ') || 'none found in policies/';
      problems.push({
        file: agent.file,
        ...findKeyPosition(root, agent.file, 'policy'),
        path: 'policy',
        message: `no policy named "${agent.config.policy}" (known: ${known})`,
      });
    }
  }
  return { config, problems, files };
}

function checkNames(kind: string, files: LoadedFile<{ name: string }>[], problems: ConfigProblem[]): void {
  const seen = new Map<string, string>();
  for (const entry of files) {
    const first = seen.get(entry.config.name);
    if (first) {
      problems.push({
        file: entry.file,
        line: 1,
        column: 1,
        path: 'name',
        message: `${kind} name "${entry.config.name}" is already used by ${first}`,
      });
    } else {
      seen.set(entry.config.name, entry.file);
    }
  }
}

/** Line and column of a top-level key, for cross-file problems found after parsing. */
function findKeyPosition(root: string, file: string, key: string): { line: number; column: number } {
  try {
    const lines = readFileSync(join(process.cwd(), file), 'utf8').split('\n');
    const index = lines.findIndex((line) => line.startsWith(`${key}:`));
    if (index >= 0) return { line: index + 1, column: 1 };
  } catch {
    void root;
  }
  return { line: 1, column: 1 };
}

/** Loads and validates; throws one CONFIG_INVALID error listing every problem. */
export function loadConfig(root: string): StewardConfig {
  const report = inspectConfig(root);
  if (report.files.length === 0) {
    throw new StewardError('CONFIG_NOT_FOUND', `no agents/*.yaml or policies/*.yaml under ${root}`, {
      hint: 'run from the Steward directory, or pass --config DIR pointing at a folder with agents/ and policies/',
      context: { root },
    });
  }
  if (report.problems.length > 0) {
    throw new StewardError('CONFIG_INVALID', `${report.problems.length} problem(s) in the configuration`, {
      details: report.problems.map(formatProblem),
      hint: 'fix the fields named above; `steward validate` re-checks every file',
      context: { problems: report.problems },
    });
  }
  return report.config;
}
