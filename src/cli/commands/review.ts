// `steward review [PROPOSAL | --all]`: reviews a realm's open proposals. Decodes what each
// proposal's instructions do, flags risks deterministically, simulates where the chain can,
// asks the model unless --no-model, writes Markdown and JSON under the reports folder and
// stores each review; unchanged proposals are not reviewed again (--force to redo). On the
// embedded chain the demo DAO is seeded first, in the chain's child process.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { resolveCluster, RpcCounter, type OpenCluster } from '../../chain/index.js';
import { StewardError } from '../../errors/index.js';
import {
  describeRealmVoters,
  indexTreasury,
  reviewForJson,
  reviewRealm,
  treasuryContextFromView,
  type ReviewOutcome,
} from '../../governance/index.js';
import { createChatModel, type StewardChatModel } from '../../llm/index.js';
import { formatUsd, isAddress, terminalText } from '../../shared/index.js';
import { buildTreasuryView, getTreasurySnapshot } from '../../treasury/index.js';
import { knownDestinationBook, reviewTarget } from '../../agent/review-target.js';
import { agentKeyOf, pickAgent, policyOf } from '../agents.js';
import { createContext, type CliIo } from '../context.js';
import { SUMMARY } from '../summaries.js';

interface ReviewOptions {
  all?: boolean;
  json?: boolean;
  model: boolean;
  agent?: string;
  force?: boolean;
  simulate: boolean;
  fullText?: boolean;
}

function line(outcome: ReviewOutcome): string {
  if (outcome.status === 'unchanged')
    return `${outcome.recommendation.toUpperCase().padEnd(12)} ${outcome.proposal}  ${terminalText(outcome.name)}  (unchanged since ${outcome.reviewedAt}${outcome.markdownPath ? `, ${outcome.markdownPath}` : ''})`;
  const r = outcome.review;
  const counts = (['severe', 'warn', 'info'] as const).map((s) => `${r.flags.filter((f) => f.severity === s).length} ${s}`).join(', ');
  const council = r.proposal.governingToken === 'council' ? '  [council vote]' : '';
  return `${r.recommendation.toUpperCase().padEnd(12)} ${r.proposal.address}  ${terminalText(r.proposal.name.replaceAll(/\s+/g, ' ').slice(0, 70))}${council}\n${' '.repeat(13)}${counts}; outflow ${formatUsd(r.outflow.usdMicros, 'cents')}; ${
    r.flags
      .filter((f) => f.severity !== 'info')
      .map((f) => f.id)
      .join(', ') || 'no warnings'
  }${outcome.markdownPath ? `\n${' '.repeat(13)}${outcome.markdownPath}` : ''}`;
}

export function registerReview(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('review')
    .description(SUMMARY['review'])
    .argument('[proposal]', 'the proposal address to review')
    .option('--all', 'review every open proposal of the realm')
    .option('--json', 'print the reviews as JSON')
    .option('--no-model', 'deterministic review only (no model)')
    .option('--no-simulate', 'do not simulate the instructions')
    .option('--force', 'review again even when the proposal is unchanged since its last review')
    .option('--full-text', 'put whole descriptions in the reports and JSON (default: a bounded excerpt with its length and sha256)')
    .option('--agent <name>', 'the agent whose realm and policy to use (default: the first with a realm)')
    .action(async (proposalArg: string | undefined, options: ReviewOptions, command: Command) => {
      if (!proposalArg && !options.all) {
        throw new StewardError('OPTION_INVALID', 'name a proposal address or pass --all', {
          hint: 'steward review --all, or steward review <PROPOSAL_ADDRESS>',
        });
      }
      if (proposalArg && options.all)
        throw new StewardError('OPTION_INVALID', 'give either a proposal or --all, not both', { hint: 'drop one of them' });
      if (proposalArg && !isAddress(proposalArg)) {
        throw new StewardError('ADDRESS_INVALID', `"${proposalArg}" is not a Solana address`, {
          hint: 'pass the base58 address of the proposal account (see steward review --all)',
        });
      }
      const ctx = createContext(command, io);
      const config = ctx.loadConfig();
      const agent = pickAgent(config, options.agent, 'proposals');
      const policy = policyOf(config, agent);
      const target = resolveCluster(ctx.settings.rpcUrl);
      const { realm, programId } = reviewTarget(agent);
      const store = ctx.openStore();
      const counter = new RpcCounter();
      let open: OpenCluster | undefined;
      let model: StewardChatModel | undefined;
      try {
        open = await ctx.openCluster({ counter });
        const snapshot = await getTreasurySnapshot(open.connection, {
          owners: agent.treasury.owners,
          agent: agentKeyOf(agent, ctx.settings, open, undefined, '--agent')?.key.toBase58() ?? null,
          tokens: policy.tokens,
          oracle: policy.oracle,
          now: new Date(),
        });
        const book = knownDestinationBook(policy, store.db);
        const treasury = indexTreasury(
          treasuryContextFromView(
            buildTreasuryView(snapshot),
            book.map((entry) => entry.address),
          ),
        );
        const now = snapshot.chainClock ? Number(snapshot.chainClock.unixTimestamp) : Math.floor(Date.now() / 1000);
        if (options.model) model = await createChatModel(agent.model, ctx.settings);
        const result = await reviewRealm(open.connection, {
          programId,
          realm,
          treasury,
          now,
          model: model ?? null,
          db: store.db,
          reportsDir: resolve(ctx.settings.reportsDir),
          force: Boolean(options.force),
          simulate: options.simulate,
          knownDestinations: book,
          fullText: Boolean(options.fullText),
          ...(proposalArg ? { proposal: proposalArg } : {}),
        });
        if (options.json) {
          const items = result.outcomes.map((o) =>
            o.status === 'reviewed'
              ? reviewForJson(o.review, { fullText: Boolean(options.fullText) })
              : { status: 'unchanged', ...JSON.parse(o.json) },
          );
          io.stdout(
            JSON.stringify(
              {
                cluster: target.kind === 'embedded' ? 'embedded' : target.name,
                realm: result.snapshot.realm,
                slot: result.snapshot.slot,
                reviews: items,
              },
              null,
              2,
            ),
          );
        } else {
          io.stdout(
            `Realm: ${terminalText(result.snapshot.realm.name)} (${result.snapshot.realm.address}) on ${open.label}, slot ${result.snapshot.slot}`,
          );
          for (const voters of describeRealmVoters(result.snapshot.realm)) io.stdout(voters);
          io.stdout(
            `${result.snapshot.proposals.length} open proposal(s); ${counter.requests} RPC request(s) in all; model: ${model ? 'yes' : 'no'}`,
          );
          for (const problem of result.snapshot.problems) io.stdout(`warning: ${terminalText(problem)}`);
          io.stdout('');
          for (const outcome of result.outcomes) io.stdout(line(outcome));
        }
        setExit(0);
      } finally {
        await model?.[Symbol.asyncDispose]();
        store.close();
        await open?.close();
      }
    });
}
