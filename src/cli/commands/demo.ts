// `steward demo` (what `npm start` runs): an embedded chain with the demo DAO, both example
// agents run once, then a short scripted scenario through the same policy and executor so the
// fence can be seen working: a routine payment lands, hostile or oversized ones are refused.
// Everything runs in this process and is stopped before the command returns.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { saveRunReport } from '../../agent/report.js';
import { runAgent, signatureOf, type RunResult } from '../../agent/run-agent.js';
import { scriptedModel } from '../../agent/scripted-model.js';
import type { AgentConfig } from '../../config/index.js';
import { DEMO, DEMO_SQUADS, DEMO_SQUADS_ADDRESSES, demoKeypair, describeGovernanceMode, describeSquadsMode } from '../../demo/index.js';
import { chooseModel, ensureTestModel } from '../../llm/index.js';
import { formatUsd, terminalText } from '../../shared/index.js';
import { StewardError } from '../../errors/index.js';
import { openStore } from '../../store/index.js';
import { openAgentSession } from '../agent-session.js';
import { chainStateFileFor } from '../../chain/embedded/state-file.js';
import { createContext, type CliIo } from '../context.js';
import { SUMMARY } from '../summaries.js';

/** Requests an operator might script, from routine to hostile; the policy decides each. */
export function demoScenario(): unknown {
  const grantee = DEMO.grantee.toBase58();
  return {
    assessment:
      'Scripted operator requests (not model output): a routine payment, one above the approval threshold, one to an unknown address, one over the per-transaction cap, and a swap priced by a stale oracle.',
    actions: [
      {
        kind: 'transfer',
        token: 'USDC',
        amount: '5000.00',
        to: grantee,
        memo: 'November RPC invoice',
        reason: 'routine invoice within policy',
      },
      { kind: 'transfer', token: 'USDC', amount: '12000.00', to: grantee, reason: 'above the approval threshold' },
      { kind: 'transfer', token: 'USDC', amount: '1000.00', to: DEMO.stranger.toBase58(), reason: 'an address the DAO never paid' },
      { kind: 'transfer', token: 'USDC', amount: '30000.00', to: grantee, reason: 'over the per-transaction cap' },
      { kind: 'swap', from: 'JUP', to: 'USDC', amount: '10000', maxSlippageBps: 30, reason: 'JUP is priced by a stale oracle' },
    ],
  };
}

/**
 * Two scripted payments from the DAO's Squads vault (when the chain runs Squads v4): one within
 * the agent's spending limit lands through spending_limit_use; the next is more than the limit
 * has left, so the executor refuses it before signing (the program would refuse it too:
 * test/chain/squads-demo.test.ts sends it with every off-chain check out of the way).
 */
export function demoVaultScenario(): unknown {
  const grantee = DEMO.grantee.toBase58();
  const first = (DEMO_SQUADS.limitUsdcPerDay * 3n) / 4n;
  return {
    assessment: 'Scripted operator requests (not model output): two payments from the Squads vault through the agent spending limit.',
    actions: [
      {
        kind: 'transfer',
        token: 'USDC',
        amount: `${first}.00`,
        to: grantee,
        memo: 'December RPC invoice (vault)',
        reason: 'within the Squads spending limit',
      },
      {
        kind: 'transfer',
        token: 'USDC',
        amount: `${DEMO_SQUADS.limitUsdcPerDay / 2n}.00`,
        to: grantee,
        reason: 'more than the spending limit has left today',
      },
    ],
  };
}

function money(micro: bigint | null | undefined): string {
  if (micro === null || micro === undefined) return '—';
  return formatUsd(micro, 'whole');
}

/**
 * `steward demo key --out FILE`: the demo agent's keypair as a Solana CLI keypair file (0600), for
 * `steward localnet --demo` and other tools. Its seed is public (docs/DEMO.md): it holds
 * allowances only on demo chains. An existing file is never overwritten.
 */
function registerDemoKey(demo: Command, io: CliIo): void {
  demo
    .command('key')
    .description("write the demo agent's keypair file (public seed; for `steward localnet --demo` only)")
    .requiredOption('--out <file>', 'where to write it (refused if it exists)')
    .action((options: { out: string }) => {
      const path = resolve(options.out);
      const key = demoKeypair('agent');
      try {
        mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
        writeFileSync(path, JSON.stringify(Array.from(key.secretKey)), { mode: 0o600, flag: 'wx' });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'unwritable';
        throw new StewardError(
          'ARGUMENT_INVALID',
          `cannot write ${path}: ${code === 'EEXIST' ? 'the file exists (it is never overwritten)' : code}`,
          {
            hint: 'pass --out with a new file name',
            context: { path },
          },
        );
      }
      io.stdout(`wrote ${path} (0600): the demo agent key ${key.publicKey.toBase58()}; its seed is public, use it only on a demo chain`);
      io.stdout(`use it: STEWARD_KEYPAIR=${path} steward --url http://127.0.0.1:8899 allowance`);
    });
}

export function registerDemo(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const demo = program
    .command('demo')
    .description(SUMMARY['demo'])
    .option('--no-model', 'review proposals without a model')
    .action(async (options: { model: boolean }, command: Command) => {
      const started = Date.now();
      const ctx = createContext(command, io);
      const config = ctx.loadConfig();
      // The demo never touches the operator's database or cluster: its own file, the embedded chain.
      const dbPath = join(dirname(resolve(ctx.settings.db)), 'demo.db');
      // A fresh demo every time: its database and the chain kept beside it go first.
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbPath}${suffix}`, { force: true });
      const chainState = chainStateFileFor(dbPath);
      if (chainState) rmSync(chainState, { force: true });
      const settings = { ...ctx.settings, rpcUrl: 'embedded', db: dbPath, reportsDir: join(ctx.settings.reportsDir, 'demo') };

      io.stdout('Steward demo: an embedded Solana chain with a demo DAO, two agents, one policy.');
      const needsModel = config.agents.some(({ config: agent }) => chooseModel(agent.model, settings).kind === 'none');
      if (needsModel && options.model) {
        settings.model = await ensureTestModel({ dir: join(ctx.settings.modelsDir, 'test') });
        io.stdout('');
        io.stdout('!! No model is configured, so the demo uses a generated tiny test model with RANDOM weights.');
        io.stdout('!! Its decisions are noise: no weights can be downloaded here. The policy and the chain still decide,');
        io.stdout('!! which is the point. For real judgement set STEWARD_MODEL to a GGUF file or hf: URI (see README).');
      }
      io.stdout('');

      const store = openStore(dbPath);
      const session = await openAgentSession({
        config,
        store,
        settings,
        logger: ctx.logger,
        signer: demoKeypair('agent'),
        progress: ctx.progress,
      });
      const results: { label: string; result: RunResult; report: string }[] = [];
      try {
        io.stdout(`chain: ${session.cluster.label}`);
        io.stdout((await describeGovernanceMode(session.cluster.connection)).line);
        const squads = await describeSquadsMode(session.cluster.connection);
        io.stdout(squads.line);
        io.stdout(`DAO treasury ${DEMO.nativeTreasury.toBase58()}, agent key ${DEMO.agent.toBase58()} (see docs/DEMO.md)`);
        const run = async (label: string, agent: AgentConfig, runtime = session.runtime) => {
          io.stdout(`\n${label}`);
          const result = await runAgent(agent, session.policyOf(agent), runtime, {
            trigger: 'demo',
            ...(options.model ? {} : { noModel: true }),
          });
          const report = saveRunReport(result, { db: store.db, dbPath, reportsDir: settings.reportsDir });
          results.push({ label, result, report });
          io.stdout(
            `  ${result.status}${result.error ? `: ${terminalText(result.error)}` : ''} in ${Math.round(result.phases.reduce((sum, phase) => sum + phase.ms, 0))} ms — report ${report}`,
          );
          return result;
        };

        const reviewer = config.agents.find(({ config: agent }) => agent.tasks.includes('proposals'))?.config;
        const guardian = config.agents.find(({ config: agent }) => agent.tasks.includes('treasury'))?.config;
        if (reviewer) {
          const result = await run(`1. ${reviewer.name} reviews every open proposal of the realm`, reviewer);
          for (const outcome of result.reviews) {
            if (outcome.status !== 'reviewed') continue;
            const severe = outcome.review.flags.filter((flag) => flag.severity === 'severe').map((flag) => flag.id);
            io.stdout(
              `   - ${terminalText(JSON.stringify(outcome.review.proposal.name.slice(0, 70)))}: ${outcome.review.recommendation}${severe.length ? ` (severe: ${[...new Set(severe)].join(', ')})` : ''}`,
            );
          }
        }
        if (guardian) {
          const result = await run(`2. ${guardian.name} (${guardian.mode}) watches the treasury and proposes actions`, guardian);
          for (const action of result.actions)
            io.stdout(`   - ${action.verdict} → ${action.state}: ${terminalText(JSON.stringify(action.proposed).slice(0, 120))}`);
          const scripted = { ...session.runtime, model: async () => scriptedModel('demo-operator', [demoScenario()]) };
          const scenario = await run(
            `3. scripted requests through the same policy and executor (not model output)`,
            { ...guardian, maxActionsPerRun: 5 },
            scripted,
          );
          const printActions = (actions: RunResult['actions']) => {
            for (const action of actions) {
              const rule = action.rules.find((r) => r.effect === 'deny') ?? action.rules[0];
              const refusal =
                action.execution?.status === 'refused'
                  ? `\n       refused at ${action.execution.stage}: ${terminalText(action.execution.reason)}`
                  : '';
              io.stdout(
                `   - ${action.verdict.padEnd(14)} ${action.state.padEnd(16)} ${terminalText(JSON.stringify(action.proposed).slice(0, 90))}${rule ? `\n       ${rule.id}: ${terminalText(rule.reason)}` : ''}${signatureOf(action.execution) ? `\n       ${action.state}: ${signatureOf(action.execution)}` : refusal}`,
              );
            }
          };
          printActions(scenario.actions);
          if (squads.mode === 'program') {
            // The same agent, its treasury the DAO's Squads vault: the transfer builder finds the spending limit.
            const vaultGuardian: AgentConfig = {
              ...guardian,
              maxActionsPerRun: 2,
              treasury: {
                ...guardian.treasury,
                owners: [DEMO_SQUADS_ADDRESSES.vault.toBase58()] as typeof guardian.treasury.owners,
                squads: { multisig: DEMO_SQUADS_ADDRESSES.multisig.toBase58(), vaultIndex: 0 } as NonNullable<
                  typeof guardian.treasury.squads
                >,
              },
            };
            const vaultScripted = { ...session.runtime, model: async () => scriptedModel('demo-operator', [demoVaultScenario()]) };
            const vault = await run(
              `4. scripted payments from the Squads vault ${DEMO_SQUADS_ADDRESSES.vault.toBase58()} through the agent's spending limit (${DEMO_SQUADS.limitUsdcPerDay} USDC per Day)`,
              vaultGuardian,
              vaultScripted,
            );
            printActions(vault.actions);
          }
        }

        // The DAO's main treasury (the vault step, if any, analyses the vault alone).
        const latest = results.filter(({ label }) => !label.startsWith('4.')).at(-1)?.result.analysis;
        const actions = results.flatMap(({ result }) => result.actions);
        io.stdout('\nSummary');
        if (latest) {
          io.stdout(
            `  treasury: ${money(latest.totals.trustedMicroUsd)} priced by trusted oracles, ${money(latest.totals.untrustedMicroUsd)} more at untrusted prices`,
          );
          for (const flag of latest.flags.filter((f) => f.severity !== 'info'))
            io.stdout(`  flag (${flag.severity}): ${terminalText(flag.message)}`);
        }
        const reviews = results.flatMap(({ result }) => result.reviews);
        const severeProposals = reviews.filter(
          (outcome) => outcome.status === 'reviewed' && outcome.review.maxSeverity === 'severe',
        ).length;
        io.stdout(`  proposals: ${reviews.length} reviewed, ${severeProposals} with severe flags`);
        io.stdout(
          `  actions: ${actions.length} proposed, ${actions.filter((a) => a.verdict === 'allow').length} allowed, ${actions.filter((a) => a.verdict === 'deny').length} denied, ${actions.filter((a) => a.state === 'pending-approval').length} awaiting approval`,
        );
        io.stdout(`  transactions landed: ${actions.filter((a) => a.state === 'confirmed').length}`);
        io.stdout(`  reports: ${results.map((entry) => entry.report).join(', ')}`);
        io.stdout(`  database: ${dbPath} (inspect with: steward --db ${dbPath} runs list)`);
        io.stdout(`done in ${((Date.now() - started) / 1000).toFixed(1)} s; the embedded chain is stopped.`);
        setExit(results.every(({ result }) => result.status === 'ok') ? 0 : 1);
      } finally {
        await session.close();
        store.close();
      }
    });
  registerDemoKey(demo, io);
}
