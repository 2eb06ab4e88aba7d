// `steward observe`: reads the treasury of an agent from chain, and its DeFi positions (lending,
// liquidity, liquid-staking tokens at their stake-pool rate), analyzes both as a run does, stores
// the observation and prints a table (or, with --json, the full snapshot and analyses). On the
// embedded chain the demo DAO is seeded first in the chain's child process (with its oracle), so the command works offline.
import type { Command } from 'commander';
import { forkSummary } from '../../chain/fork/fork-summary.js';
import { resolveCluster, RpcCounter, type OpenCluster } from '../../chain/index.js';
import type { PositionsAnalysis } from '../../treasury/positions/index.js';
import { analyzeTreasuryRead, readTreasury } from '../../agent/observe-treasury.js';
import { formatAmount, formatTokenAmount, formatTokenNumber, formatUsd, terminalText } from '../../shared/index.js';
import {
  formatPpmPercent,
  latestObservation,
  saveObservation,
  toJsonText,
  type TreasuryAnalysis,
  type TreasuryView,
} from '../../treasury/index.js';
import { agentKeyOf, pickAgent, policyOf } from '../agents.js';
import { createContext, type CliIo } from '../context.js';
import { SUMMARY } from '../summaries.js';
import { textTable } from '../table.js';

interface ObserveOptions {
  agent?: string;
  agentKey?: string;
  json?: boolean;
}

function signed(ppm: bigint): string {
  const abs = ppm < 0n ? -ppm : ppm;
  return `${ppm < 0n ? '-' : '+'}${formatAmount(abs / 100n, 2)}pp`;
}

function table(analysis: TreasuryAnalysis): string[] {
  const header = ['asset', 'amount', 'price', 'age', 'value', 'weight', 'target', 'drift', 'flags'];
  const rows = analysis.assets.map((asset) => [
    terminalText(asset.label),
    formatTokenNumber(asset.amount, asset.decimals),
    asset.price ? `$${asset.price.text}` : '-',
    asset.price?.ageSeconds === null || asset.price === null ? '-' : `${asset.price.ageSeconds}s`,
    asset.valueMicroUsd === null ? '-' : formatUsd(asset.valueMicroUsd, 'cents'),
    asset.weightPpm === null ? '-' : formatPpmPercent(asset.weightPpm),
    asset.targetPpm === null ? '-' : formatPpmPercent(asset.targetPpm),
    asset.driftPpm === null ? '-' : signed(asset.driftPpm),
    [
      ...(asset.price && !asset.price.trusted ? ['untrusted-price'] : []),
      ...(asset.valueKind === 'unpriced' ? ['unpriced'] : []),
      ...asset.flags,
    ].join(',') || '-',
  ]);
  return textTable(header, rows, new Set([1, 2, 3, 4, 5, 6, 7]));
}

/** "50,000 USDC ($50,000), 20,000 USDT ($19,830)": what the agent may still move. */
function allowanceText(view: TreasuryView): string {
  const amounts = view.allowances.map((allowance) =>
    terminalText(
      formatTokenAmount(
        allowance.remaining,
        { symbol: allowance.symbol, decimals: allowance.decimals, mint: allowance.mint },
        { usdMicro: allowance.usdMicro },
      ),
    ),
  );
  return amounts.join(', ') || 'none';
}

/** The stress every run applies to positions: SOL −30 %. */

function positionLines(positions: PositionsAnalysis): string[] {
  const lines = [
    'DeFi positions (net ' +
      formatUsd(positions.netMicroUsd, 'cents') +
      `: assets ${formatUsd(positions.assetsMicroUsd, 'cents')}, debt ${formatUsd(positions.debtMicroUsd, 'cents')})`,
  ];
  for (const figure of positions.positions) {
    if (figure.kind === 'lending') {
      const health = figure.healthFactorPpm === null ? 'no debt' : `health ${formatAmount(figure.healthFactorPpm, 6)}`;
      const distance =
        figure.distanceToLiquidationPpm === null ? '' : `, ${formatPpmPercent(figure.distanceToLiquidationPpm)} from liquidation`;
      lines.push(
        `  ${figure.protocol} lending ${figure.account}: supplied ${formatUsd(figure.suppliedMicroUsd, 'cents')}, borrowed ${formatUsd(figure.borrowedMicroUsd, 'cents')}, ${health}${distance}`,
      );
    } else if (figure.kind === 'liquidity') {
      lines.push(
        `  ${figure.protocol} LP ${figure.account}: ${formatUsd(figure.netMicroUsd, 'cents')} (fees ${formatUsd(figure.feesMicroUsd, 'cents')}), ${figure.inRange ? 'in range' : 'OUT OF RANGE'}`,
      );
    } else {
      lines.push(`  ${figure.protocol} ${figure.account}: unreadable, not valued (${terminalText(figure.reason)})`);
    }
  }
  for (const lst of positions.liquidStaking) {
    const depeg =
      lst.depegBps === null
        ? 'depeg unknown (no trusted price)'
        : `market ${lst.depegBps < 0n ? '' : '+'}${lst.depegBps} bps vs rate${lst.depegged ? ' DEPEGGED' : ''}`;
    lines.push(
      `  ${lst.symbol} stake pool ${lst.account}: ${formatAmount(lst.lamportsPerToken, 9)} SOL per token; ${formatTokenNumber(lst.amount, lst.decimals)} ${lst.symbol} = ${formatTokenNumber(lst.solLamports, 9)} SOL = ` +
        `${lst.fairMicroUsd === null ? '-' : formatUsd(lst.fairMicroUsd, 'cents')} at the rate, ${lst.marketMicroUsd === null ? '-' : formatUsd(lst.marketMicroUsd, 'cents')} at market; ${depeg}`,
    );
  }
  if (positions.stress) {
    lines.push(
      `  Stress SOL -30%: positions net ${formatUsd(positions.stress.netBeforeMicroUsd, 'cents')} -> ${formatUsd(positions.stress.netAfterMicroUsd, 'cents')}`,
    );
    for (const row of positions.stress.positions) {
      const state =
        row.healthAfterPpm !== null
          ? `health ${formatAmount(row.healthBeforePpm ?? 0n, 6)} -> ${formatAmount(row.healthAfterPpm, 6)}${row.healthAfterPpm < 1_000_000n ? ' (liquidatable)' : ''}`
          : row.inRangeAfter !== null
            ? `${row.inRangeBefore ? 'in range' : 'out of range'} -> ${row.inRangeAfter ? 'in range' : 'out of range'}`
            : '';
      lines.push(
        `    ${row.account}: ${formatUsd(row.netBeforeMicroUsd, 'cents')} -> ${formatUsd(row.netAfterMicroUsd, 'cents')}${state ? `, ${state}` : ''}`,
      );
    }
    for (const lst of positions.liquidStaking) {
      if (lst.fairMicroUsd !== null && lst.stressedFairMicroUsd !== null)
        lines.push(
          `    ${lst.symbol} at the rate: ${formatUsd(lst.fairMicroUsd, 'cents')} -> ${formatUsd(lst.stressedFairMicroUsd, 'cents')}`,
        );
    }
  }
  for (const flag of positions.flags) lines.push(`${flag.severity.toUpperCase().padEnd(8)} ${terminalText(flag.message)}`);
  return lines;
}

export function registerObserve(program: Command, io: CliIo): void {
  program
    .command('observe')
    .description(SUMMARY['observe'])
    .option('--agent <name>', 'the agent whose treasury to observe (default: the first with the treasury task)')
    .option(
      '--agent-key <address>',
      "the agent's public key, whose delegate allowances are read (default on the embedded chain: the demo agent)",
    )
    .option('--json', 'print the full snapshot, analysis and DeFi positions as JSON')
    .action(async (options: ObserveOptions, command: Command) => {
      const ctx = createContext(command, io);
      const config = ctx.loadConfig();
      const agent = pickAgent(config, options.agent, 'treasury');
      const policy = policyOf(config, agent);
      const target = resolveCluster(ctx.settings.rpcUrl);
      const store = ctx.openStore();
      const counter = new RpcCounter();
      let open: OpenCluster | undefined;
      try {
        open = await ctx.openCluster({ counter });
        // Keyed by the chain's identity: a fork's or the embedded chain's observations are their own.
        const identity = await open.identity();
        const cluster = identity.key;
        const agentKey = agentKeyOf(agent, ctx.settings, open, options.agentKey, '--agent-key')?.key.toBase58() ?? null;
        const previous = latestObservation(store.db, agent.treasury.owners, { cluster });
        const read = await readTreasury(open.connection, {
          agent,
          policy,
          agentKey,
          now: new Date(),
          previous,
          embedded: target.kind === 'embedded',
          fork: open.forkInfo !== undefined,
        });
        const { snapshot } = read;
        const fork = open.forkInfo ? await open.forkInfo() : null;
        const { view, analysis, positions } = analyzeTreasuryRead(agent, read, previous);
        const id = saveObservation(store.db, {
          snapshot,
          analysis,
          cluster,
          clusterName: identity.name,
          endpoint: identity.endpoint,
          agent: agent.name,
        });
        if (options.json) {
          io.stdout(
            toJsonText(
              {
                id,
                cluster,
                clusterName: identity.name,
                agent: agent.name,
                snapshot,
                analysis,
                positions,
                rpc: { observation: read.rpc, command: { requests: counter.requests, methods: counter.methods } },
                ...(fork ? { fork } : {}),
              },
              2,
            ),
          );
          return;
        }
        const calls = Object.values(read.rpc.methods).reduce((sum, n) => sum + n, 0);
        io.stdout(
          `Chain: ${open.demo || fork || identity.name === open.label ? open.label : `${identity.name} (${open.label})`} — slot ${snapshot.slot}; treasury and DeFi positions read in ${read.rpc.rounds} round(s), ${read.rpc.requests} RPC request(s) (${calls} calls); ${counter.requests} request(s) in all`,
        );
        if (fork) {
          io.stdout(`Fork: ${forkSummary(fork)}`);
        }
        io.stdout(`Agent: ${agent.name} (policy ${policy.name}); owners: ${agent.treasury.owners.join(', ')}`);
        if (!agentKey) io.stdout('Agent key: unknown (pass --agent-key to tell its allowances from foreign delegates)');
        io.stdout('');
        for (const line of table(analysis)) io.stdout(line);
        io.stdout('');
        const { totals } = analysis;
        io.stdout(`Total (trusted prices): ${formatUsd(totals.trustedMicroUsd, 'cents')}`);
        if (totals.untrustedMicroUsd > 0n) io.stdout(`Untrusted prices, not counted: ${formatUsd(totals.untrustedMicroUsd, 'cents')}`);
        if (totals.unpriced.length > 0) io.stdout(`Unpriced: ${terminalText(totals.unpriced.join(', '))}`);
        const share = analysis.stableShare.sharePpm;
        io.stdout(
          `Stable share: ${share === null ? '-' : formatPpmPercent(share)}   Runway: ${analysis.runway.months ?? '-'} months (stablecoins ${analysis.runway.stableMonths ?? '-'})`,
        );
        io.stdout(
          `Concentration: HHI ${analysis.concentration.hhi ?? '-'}${analysis.concentration.largest ? `, largest ${analysis.concentration.largest.label} ${formatPpmPercent(analysis.concentration.largest.weightPpm)}` : ''}`,
        );
        const sol = { symbol: 'SOL', decimals: 9 };
        io.stdout(
          `Idle SOL: ${formatTokenAmount(analysis.idleSol.idleLamports, sol, { usdMicro: analysis.idleSol.valueMicroUsd })}   Stake: ${formatTokenAmount(analysis.stake.ownedLamports, sol)}`,
        );
        io.stdout(`Agent allowances: ${allowanceText(view)}`);
        if (analysis.flags.length > 0) {
          io.stdout('');
          for (const flag of analysis.flags) io.stdout(`${flag.severity.toUpperCase().padEnd(8)} ${terminalText(flag.message)}`);
        }
        if (positions.positions.length > 0 || positions.liquidStaking.length > 0 || positions.flags.length > 0) {
          io.stdout('');
          for (const line of positionLines(positions)) io.stdout(line);
        }
        if (analysis.changes) {
          const delta = analysis.changes.trustedMicroUsdDelta;
          io.stdout('');
          io.stdout(
            `Since slot ${analysis.changes.previousSlot} (${analysis.changes.previousObservedAt}): ${delta < 0n ? '-' : '+'}${formatUsd(delta < 0n ? -delta : delta, 'cents')}, ` +
              `${analysis.changes.newAccounts.length} new and ${analysis.changes.vanishedAccounts.length} vanished account(s)`,
          );
        }
        io.stdout(`Saved as observation #${id}.`);
      } finally {
        store.close();
        await open?.close();
      }
    });
}
