import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatProblem, inspectConfig, loadConfig, validateYaml } from '../../src/config/index.js';
import { agentSchema } from '../../src/config/schemas/agent.js';
import { policySchema } from '../../src/config/schemas/policy.js';
import { isStewardError } from '../../src/errors/index.js';
import { tempTree } from '../helpers/tmp.js';

const USDC = '7TYWECBRcTAMSKNxcV9iYvvXhaab669rrxrjGsX11Cyc';

function policyProblems(text: string): string[] {
  const result = validateYaml('policies/treasury.yaml', text, policySchema);
  return result.ok ? [] : result.problems.map(formatProblem);
}

describe('config validation', () => {
  it('names file, line, column, field path, what was found and what was expected', () => {
    const text = [
      'name: treasury',
      'tokens:',
      `  USDC: { mint: ${USDC}, decimals: 6 }`,
      'limits:',
      '  perTx:',
      '    tokens:',
      '      USDC: -5',
    ].join('\n');
    expect(policyProblems(text)).toEqual([
      'policies/treasury.yaml:7:13 limits.perTx.tokens.USDC: expected a decimal string like "2500.00", got -5',
    ]);
  });

  it('reports an unknown key at the key itself', () => {
    const text = `name: treasury\ntokens: {}\nallow:\n  actoins: [transfer]\n`;
    expect(policyProblems(text)).toEqual([
      'policies/treasury.yaml:4:3 allow.actoins: unknown key (check the spelling; see the JSON schema in schemas/ for the allowed keys)',
    ]);
  });

  it('reports a missing field with what it expected', () => {
    expect(policyProblems('name: treasury\n')).toEqual(['policies/treasury.yaml:1:1 tokens: required field is missing (expected record)']);
  });

  it('reports a YAML syntax error with its position', () => {
    const problems = policyProblems('name: treasury\ntokens: [unclosed\n');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^policies\/treasury\.yaml:\d+:\d+ YAML syntax error: /);
  });

  it('reports a duplicate key and still validates the rest of the file', () => {
    const problems = policyProblems('name: treasury\ntokens: {}\npaused: true\npaused: false\nlimits: { perTx: { usd: 12 } }\n');
    expect(problems).toEqual([
      'policies/treasury.yaml:4:1 duplicate key: each key may appear only once in a mapping',
      'policies/treasury.yaml:5:25 limits.perTx.usd: expected a decimal string like "2500.00", got 12',
    ]);
  });

  it('refuses an empty file and a file that is not a mapping', () => {
    expect(policyProblems('')).toEqual(['policies/treasury.yaml:1:1 the file is empty: expected a mapping of settings']);
    expect(policyProblems('# only a comment\n')).toEqual(['policies/treasury.yaml:1:1 the file is empty: expected a mapping of settings']);
    expect(policyProblems('- a\n- b\n')).toEqual(['policies/treasury.yaml:1:1 expected a mapping of settings, got a list']);
  });

  it('reports wrong types and bad enum values', () => {
    const problems = policyProblems(
      `name: treasury\ntokens:\n  USDC: { mint: ${USDC}, decimals: "six" }\nallow: { actions: [transfer, teleport] }\n`,
    );
    expect(problems).toEqual([
      'policies/treasury.yaml:3:73 tokens.USDC.decimals: expected number, got "six"',
      'policies/treasury.yaml:4:30 allow.actions[1]: expected one of "transfer", "swap", "stake", "unstake", "vote", "none", got "teleport"',
    ]);
  });

  it('takes a flash-attention setting for a local model and names the allowed values otherwise', () => {
    const agent = (fa: string) =>
      `name: a\npolicy: treasury\ntasks: [treasury]\ninstructions: watch\ntreasury: { owners: [${USDC}] }\nmodel: { local: ./m.gguf, flashAttention: ${fa} }\n`;
    expect(validateYaml('agents/a.yaml', agent('off'), agentSchema).ok).toBe(true);
    const result = validateYaml('agents/a.yaml', agent('fast'), agentSchema);
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([
      'agents/a.yaml:6:43 model.flashAttention: expected one of "auto", "on", "off", got "fast"',
    ]);
  });

  it('collects every problem of every file at once, including cross-file references', () => {
    const root = tempTree({
      'policies/a.yaml': 'name: a\ntokens: {}\nlimits: { perTx: { usd: "-1" } }\n',
      'policies/b.yaml': 'name: b\n',
      'agents/x.yaml': [
        'name: x',
        'tasks: [treasury]',
        'policy: missing-policy',
        'treasury: { owners: [87pkb159AgQwwxrwTHL67C96GLFRBtm9zALKQJoXdbaL] }',
        'instructions: watch it',
      ].join('\n'),
      'agents/y.yaml': 'name: y\nbogus: 1\n',
    });
    const cwd = process.cwd();
    process.chdir(root);
    try {
      const report = inspectConfig(root);
      const lines = report.problems.map(formatProblem);
      expect(lines).toContain('policies/a.yaml:3:25 limits.perTx.usd: expected a decimal string like "2500.00", got "-1"');
      expect(lines).toContain('policies/b.yaml:1:1 tokens: required field is missing (expected record)');
      expect(lines).toContain('agents/x.yaml:3:1 policy: no policy named "missing-policy" (known: none found in policies/)');
      expect(lines.some((line) => line.startsWith('agents/y.yaml:2:1 bogus: unknown key'))).toBe(true);
      expect(report.files).toHaveLength(4);

      let thrown: unknown;
      try {
        loadConfig(root);
      } catch (error) {
        thrown = error;
      }
      expect(isStewardError(thrown) && thrown.code).toBe('CONFIG_INVALID');
      expect(isStewardError(thrown) && thrown.details.length).toBe(report.problems.length);
    } finally {
      process.chdir(cwd);
    }
  });

  it('accepts the shipped examples, which point editors at the generated JSON Schemas', () => {
    const config = loadConfig(process.cwd());
    expect(config.agents.map((agent) => agent.config.name).sort()).toEqual(['proposal-reviewer', 'treasury-guardian']);
    expect(config.policies.map((policy) => policy.config.name)).toEqual(['treasury']);
    for (const file of [...config.agents, ...config.policies].map((entry) => entry.file)) {
      expect(readFileSync(file, 'utf8')).toMatch(/yaml-language-server: \$schema=\.\.\/schemas\/(agent|policy)\.schema\.json/);
    }
  });
});
