// `steward policy check`: runs one proposed action (a JSON file) through a policy file and prints
// the verdict and every rule that fired. Exit 0 allow, 3 deny, 4 needs-approval, 2 bad input.
// With --db it reads the spend windows and the kill switch from the database, as a run would;
// with --url the prices, balances and treasury addresses from the chain. Without them, a verdict
// that lacked a price or a balance names the flag that gives it.
import { relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { formatProblem, readTextFile, validateYaml } from '../../config/index.js';
import { policySchema, type PolicyConfig } from '../../config/schemas/policy.js';
import { policyPrices } from '../../agent/policy-context.js';
import { buildTreasuryView, getTreasurySnapshot } from '../../treasury/index.js';
import { findAgent, pickAgent } from '../agents.js';
import { StewardError } from '../../errors/index.js';
import { parseAmount } from '../../shared/amount.js';
import { priceFromDecimal, type Price } from '../../shared/index.js';
import { isAddress } from '../../shared/address.js';
import { terminalText } from '../../shared/untrusted-text.js';
import {
  compilePolicy,
  createSpendLedger,
  evaluatePolicy,
  ledgerColumns,
  parseProposedAction,
  proposedActionJsonSchema,
  verdictExitCode,
  type CompiledPolicy,
  type PolicyContext,
} from '../../policy/index.js';
import { readSpendWindows } from '../../execute/index.js';
import { isPaused } from '../../store/index.js';
import { createContext, type CliContext, type CliIo, type GlobalOptions } from '../context.js';
import { SUMMARY } from '../summaries.js';

interface CheckOptions {
  policy: string;
  action: string;
  at?: string;
  prices?: string;
  balances?: string;
  treasury?: string;
  agent?: string;
  json?: boolean;
}

export function registerPolicy(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const policy = program.command('policy').description(SUMMARY['policy']);
  policy
    .command('schema')
    .description('print the JSON Schema proposed actions must match (what the model is constrained to)')
    .action(() => {
      io.stdout(JSON.stringify(proposedActionJsonSchema(), null, 2));
    });
  policy
    .command('check')
    .description('judge one proposed action (JSON) against a policy file: exit 0 allow, 3 deny, 4 needs-approval, 2 bad input')
    .requiredOption('--policy <file>', 'the policy file (policies/*.yaml)')
    .requiredOption('--action <file>', 'the proposed action as JSON, e.g. {"kind":"transfer","token":"USDC","amount":"250","to":"..."}')
    .option('--at <iso>', 'judge at this time instead of now (ISO 8601)')
    .option('--prices <file>', 'JSON: { "SOL": { "price": "150.25", "confidence": "0.05", "publishTime": "ISO" } }')
    .option('--balances <file>', 'JSON: treasury balances in whole tokens, { "USDC": "300000" }')
    .option('--treasury <addresses>', 'comma-separated treasury owners and token accounts (the "treasury" destination)')
    .option('--agent <name>', 'with --url: the agent whose treasury owners are read (default: the first agent of this policy)')
    .option('--json', 'print the verdict as JSON')
    .action(async (options: CheckOptions, command: Command) => {
      const ctx = createContext(command, io);
      const { config: policyConfig, compiled } = loadPolicy(options.policy);
      const action = readJson(options.action, '--action');
      const parsed = parseProposedAction(action);
      if (!parsed.ok) {
        throw new StewardError('ARGUMENT_INVALID', `${options.action}: ${parsed.reason}`, {
          hint: `fix the field ${parsed.path || '(the whole object)'}; the action schema is printed by \`steward policy schema\``,
          context: { file: options.action, field: parsed.path },
        });
      }
      const now = options.at === undefined ? Date.now() : parseTime(options.at, '--at');
      const dbGiven = command.optsWithGlobals<GlobalOptions>().db !== undefined || process.env['STEWARD_DB'] !== undefined;
      let spent = createSpendLedger().windows(compiled, now);
      let paused = false;
      if (dbGiven) {
        using store = ctx.openStore();
        spent = readSpendWindows(store.db, compiled.name, compiled, now);
        paused = isPaused(store.db);
      }
      // --url: what --prices, --balances and --treasury do not give is read from the chain (the
      // oracle accounts and the treasury of the agent fenced by this policy), as a run reads it.
      const urlGiven = command.optsWithGlobals<GlobalOptions>().url !== undefined;
      const chain = urlGiven ? await readFromChain(ctx, policyConfig, options.agent, now) : null;
      const treasuryAddresses = readTreasury(options.treasury);
      for (const address of chain?.treasuryAddresses ?? []) treasuryAddresses.add(address);
      const context: PolicyContext = {
        now,
        prices: options.prices ? readPrices(options.prices, now) : (chain?.prices ?? {}),
        spent,
        balances: options.balances ? readBalances(options.balances, compiled) : (chain?.balances ?? {}),
        treasuryAddresses,
        paused,
      };
      const verdict = evaluatePolicy(compiled, action, context);
      if (options.json) {
        io.stdout(
          JSON.stringify(
            {
              verdict: verdict.kind,
              rules: verdict.rules,
              ledger: verdict.action ? ledgerColumns(verdict.action) : null,
              ledgerSource: dbGiven ? ctx.settings.db : null,
            },
            null,
            2,
          ),
        );
      } else {
        io.stdout(`${verdict.kind.toUpperCase()}  ${parsed.action.kind} under policy "${compiled.name}" at ${new Date(now).toISOString()}`);
        for (const rule of verdict.rules)
          io.stdout(`  ${rule.effect === 'deny' ? 'deny    ' : 'approval'}  ${rule.id}: ${terminalText(rule.reason)}`);
        if (!dbGiven) io.stdout('  (no --db: rolling windows counted as empty and the database kill switch as off)');
        if (chain) io.stdout(`  (prices and balances read from ${chain.label} at slot ${chain.slot}, treasury of agent "${chain.agent}")`);
        for (const line of missingInputHints(verdict.rules, options, chain !== null)) io.stdout(`  hint: ${line}`);
      }
      setExit(verdictExitCode(verdict.kind));
    });
}

/** What a verdict lacked because a flag was not given: the flag to pass (a deny that only says "unknown" helps nobody). */
function missingInputHints(rules: readonly { id: string }[], options: CheckOptions, fromChain: boolean): string[] {
  if (fromChain) return [];
  const fired = new Set(rules.map((rule) => rule.id));
  const hints: string[] = [];
  if (fired.has('oracle.untrusted') && !options.prices)
    hints.push('no prices were given: pass --prices FILE, or --url CLUSTER to read the oracle accounts from the chain');
  if (fired.has('reserve.balance-unknown') && !options.balances)
    hints.push('no balances were given: pass --balances FILE, or --url CLUSTER to read the treasury from the chain');
  return hints;
}

interface ChainInputs {
  label: string;
  agent: string;
  slot: bigint;
  prices: PolicyContext['prices'];
  balances: PolicyContext['balances'];
  treasuryAddresses: Set<string>;
}

async function readFromChain(ctx: CliContext, policy: PolicyConfig, agentName: string | undefined, now: number): Promise<ChainInputs> {
  const config = ctx.loadConfig();
  const agent =
    agentName !== undefined
      ? findAgent(config, agentName)
      : ((
          config.agents.find((entry) => entry.config.policy === policy.name && entry.config.tasks.includes('treasury')) ??
          config.agents.find((entry) => entry.config.policy === policy.name)
        )?.config ?? pickAgent(config, undefined, 'treasury'));
  const cluster = await ctx.openCluster();
  try {
    const snapshot = await getTreasurySnapshot(cluster.connection, {
      owners: agent.treasury.owners,
      tokens: policy.tokens,
      oracle: policy.oracle,
      now: new Date(now),
    });
    // The same TreasuryView a run's policy context is built from.
    const view = buildTreasuryView(snapshot);
    return {
      label: cluster.label,
      agent: agent.name,
      slot: snapshot.slot,
      prices: policyPrices(view),
      balances: view.balances,
      treasuryAddresses: new Set(view.addresses.all),
    };
  } finally {
    await cluster.close();
  }
}

function loadPolicy(file: string): { config: PolicyConfig; compiled: CompiledPolicy } {
  const path = resolve(file);
  const shown = relative(process.cwd(), path) || path;
  let read: ReturnType<typeof readTextFile>;
  try {
    read = readTextFile(path);
  } catch (error) {
    throw new StewardError('CONFIG_NOT_FOUND', `cannot read the policy file ${shown}: ${(error as Error).message}`, {
      hint: 'pass --policy with the path of a policies/*.yaml file',
      context: { file: shown },
    });
  }
  if (read.problem) {
    throw new StewardError('CONFIG_INVALID', `${shown}:${read.problem.line}:${read.problem.column}: ${read.problem.message}`, {
      hint: 'save the file as UTF-8',
      context: { file: shown, line: read.problem.line },
    });
  }
  const text = read.text;
  const result = validateYaml(shown, text, policySchema);
  if (!result.ok) {
    throw new StewardError('CONFIG_INVALID', `${result.problems.length} problem(s) in ${shown}`, {
      details: result.problems.map(formatProblem),
      hint: 'fix the fields named above; `steward validate` re-checks every file',
      context: { file: shown },
    });
  }
  return { config: result.value, compiled: compilePolicy(result.value) };
}

function readJson(file: string, flag: string): unknown {
  let read: ReturnType<typeof readTextFile>;
  try {
    read = readTextFile(resolve(file));
  } catch (error) {
    throw new StewardError('ARGUMENT_INVALID', `cannot read ${flag} ${file}: ${(error as Error).message}`, {
      hint: `pass ${flag} with the path of a JSON file`,
      context: { file },
    });
  }
  if (read.problem) {
    throw new StewardError('ARGUMENT_INVALID', `${file}:${read.problem.line}:${read.problem.column}: ${read.problem.message}`, {
      hint: `${flag} expects a UTF-8 JSON file`,
      context: { file, line: read.problem.line },
    });
  }
  const text = read.text;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new StewardError('ARGUMENT_INVALID', `${file} is not valid JSON: ${(error as Error).message}`, {
      hint: `${flag} expects a JSON file`,
      context: { file },
    });
  }
}

function parseTime(text: string, where: string): number {
  const value = Date.parse(text);
  if (Number.isNaN(value)) {
    throw new StewardError('ARGUMENT_INVALID', `${where}: ${JSON.stringify(text)} is not a time`, {
      hint: 'use ISO 8601, e.g. 2025-06-04T12:00:00Z',
    });
  }
  return value;
}

function bad(file: string, field: string, expected: string, got: unknown): StewardError {
  return new StewardError('ARGUMENT_INVALID', `${file}: ${field}: expected ${expected}, got ${JSON.stringify(got)}`, {
    hint: 'see docs/POLICY.md for the file formats',
    context: { file, field },
  });
}

function readPrices(file: string, now: number): Record<string, Price> {
  const data = readJson(file, '--prices');
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw bad(file, '(root)', 'an object of prices by symbol', data);
  const out: Record<string, Price> = {};
  for (const [symbol, entry] of Object.entries(data)) {
    const e = entry as { price?: unknown; confidence?: unknown; publishTime?: unknown } | null;
    const decimal = /^\d+(\.\d+)?$/;
    if (!e || typeof e.price !== 'string' || !decimal.test(e.price))
      throw bad(file, `${symbol}.price`, 'a decimal string like "150.25"', e?.price);
    const confidence = e.confidence ?? '0';
    if (typeof confidence !== 'string' || !decimal.test(confidence))
      throw bad(file, `${symbol}.confidence`, 'a decimal string like "0.05"', confidence);
    const publishTime =
      e.publishTime === undefined
        ? now
        : typeof e.publishTime === 'string'
          ? parseTime(e.publishTime, `${file}: ${symbol}.publishTime`)
          : Number.NaN;
    if (Number.isNaN(publishTime)) throw bad(file, `${symbol}.publishTime`, 'an ISO 8601 time', e.publishTime);
    out[symbol] = priceFromDecimal(e.price, confidence, publishTime);
  }
  return out;
}

function readBalances(file: string, policy: CompiledPolicy): Record<string, bigint> {
  const data = readJson(file, '--balances');
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw bad(file, '(root)', 'an object of balances by symbol', data);
  const out: Record<string, bigint> = {};
  for (const [symbol, text] of Object.entries(data)) {
    const token = policy.tokens.get(symbol);
    if (!token) throw bad(file, symbol, `a token of the policy (${[...policy.tokens.keys()].join(', ')})`, symbol);
    const parsed = parseAmount(text, token.decimals, { allowZero: true });
    if (!parsed.ok)
      throw new StewardError('ARGUMENT_INVALID', `${file}: ${symbol}: ${parsed.reason}`, {
        hint: 'balances are whole-token decimal strings, e.g. "300000.50"',
        context: { file, field: symbol },
      });
    out[symbol] = parsed.value;
  }
  return out;
}

function readTreasury(list: string | undefined): Set<string> {
  const out = new Set<string>();
  for (const entry of (list ?? '')
    .split(',')
    .map((text) => text.trim())
    .filter(Boolean)) {
    if (!isAddress(entry))
      throw new StewardError('ARGUMENT_INVALID', `--treasury: ${JSON.stringify(entry)} is not a Solana address`, {
        hint: 'pass base58 addresses separated by commas',
      });
    out.add(entry);
  }
  return out;
}
