// `steward allowance [--agent NAME]`: the SPL delegate allowances on the treasury's token
// accounts, read from chain: which accounts the DAO granted to the agent key, and how much of
// each grant remains (the token program's delegated_amount — the chain keeps only what is
// left, not the amount first approved).
import { PublicKey } from '@solana/web3.js';
import type { Command } from 'commander';
import { StewardError } from '../../errors/index.js';
import { readSquadsFence, squadsFenceJson, squadsFenceLines } from '../../agent/squads-fence.js';
import { readAllowances } from '../../execute/index.js';
import { compilePolicy } from '../../policy/index.js';
import { formatAmount, formatTokenAmount, formatTokenNumber, valueMicroUsd } from '../../shared/index.js';
import { buildTreasuryView, toJsonText } from '../../treasury/index.js';
import { createContext, type CliIo } from '../context.js';
import { textTable } from '../table.js';
import { readAgentTreasury, tokenOf } from '../../agent/agent-treasury.js';
import { agentKeyOf, treasuryAgent } from '../agents.js';
import { SUMMARY } from '../summaries.js';

function amountText(value: bigint, decimals: number | null): string {
  return decimals === null ? `${value} (base units)` : formatTokenNumber(value, decimals);
}

interface AllowanceOptions {
  agent?: string;
  agentKey?: string;
  json?: boolean;
}

export function registerAllowance(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('allowance')
    .description(SUMMARY['allowance'])
    .option('--agent <name>', 'the agent (default: the first with the treasury task)')
    .option('--agent-key <address>', "the agent's public key (default: its signer; on the embedded chain the demo agent)")
    .option('--json', 'print the allowances as JSON')
    .action(async (options: AllowanceOptions, command: Command) => {
      const ctx = createContext(command, io);
      const { agent, policy } = treasuryAgent(ctx.loadConfig(), options.agent);
      const cluster = await ctx.openCluster();
      try {
        const agentKey = agentKeyOf(agent, ctx.settings, cluster, options.agentKey, '--agent-key');
        if (!agentKey) {
          throw new StewardError('KEYPAIR_INVALID', `agent "${agent.name}" has no signer configured, so its key is unknown`, {
            hint: 'pass --agent-key ADDRESS, or configure signer.keypair / signer.env in the agent file (or STEWARD_KEYPAIR)',
          });
        }
        const snapshot = await readAgentTreasury(cluster, ctx.settings, agent, policy, agentKey.key, new Date());
        const accounts = snapshot.tokenAccounts.map((account) => new PublicKey(account.address));
        const views = await readAllowances(cluster.connection, accounts, agentKey.key);
        const rows = views.map((view) => {
          const token = tokenOf(snapshot, view.mint);
          return { ...view, symbol: token.symbol, decimals: token.decimals };
        });
        const fence = await readSquadsFence(cluster.connection, {
          agent,
          policy: compilePolicy(policy),
          agentKey: agentKey.key.toBase58(),
          snapshot,
        });
        if (options.json) {
          io.stdout(
            toJsonText(
              {
                cluster: cluster.label,
                agent: agent.name,
                agentKey: agentKey.key.toBase58(),
                agentKeySource: agentKey.source,
                slot: snapshot.slot,
                allowances: rows.map((row) => ({
                  symbol: row.symbol,
                  account: row.account,
                  owner: row.owner,
                  mint: row.mint,
                  decimals: row.decimals,
                  balance: row.balance,
                  delegate: row.delegate,
                  toAgent: row.toAgent,
                  remaining: row.remaining,
                  remainingText: row.decimals === null ? null : formatAmount(row.remaining, row.decimals),
                })),
                squads: fence && squadsFenceJson(fence, agentKey.key.toBase58()),
              },
              2,
            ),
          );
          setExit(0);
          return;
        }
        io.stdout(`Chain: ${cluster.label} — slot ${snapshot.slot}`);
        io.stdout(`Agent: ${agent.name}, key ${agentKey.key.toBase58()} (${agentKey.source}); owners: ${agent.treasury.owners.join(', ')}`);
        io.stdout('');
        const table = rows.map((row) => [
          row.symbol,
          row.account,
          amountText(row.balance, row.decimals),
          row.delegate === null ? 'none' : row.toAgent ? 'the agent' : `OTHER ${row.delegate}`,
          row.delegate === null ? '-' : amountText(row.remaining, row.decimals),
        ]);
        for (const line of textTable(['TOKEN', 'TREASURY ACCOUNT', 'BALANCE', 'GRANTED TO', 'REMAINING'], table, new Set([2, 4])))
          io.stdout(line);
        io.stdout('');
        const mine = rows.filter((row) => row.toAgent && row.remaining > 0n);
        const prices = buildTreasuryView(snapshot).priceBook;
        const mayMove = (row: (typeof rows)[number]): string => {
          const price = prices.get(row.mint);
          const usdMicro = price?.trusted && row.decimals !== null ? valueMicroUsd(row.remaining, row.decimals, price, 'down') : null;
          return formatTokenAmount(row.remaining, { symbol: row.symbol, decimals: row.decimals, mint: row.mint }, { usdMicro });
        };
        io.stdout(`The agent may move: ${mine.map(mayMove).join(', ') || 'nothing (no allowance)'}`);
        const foreign = rows.filter((row) => row.delegate !== null && !row.toAgent);
        if (foreign.length > 0)
          io.stdout(
            `WARNING  ${foreign.length} treasury account(s) delegated to another key: ${foreign.map((row) => `${row.symbol} → ${row.delegate}`).join(', ')}`,
          );
        io.stdout('The chain keeps only what remains of a grant; `steward grant` prints the approve that sets a new one.');
        if (fence) {
          io.stdout('');
          for (const line of squadsFenceLines(fence, agentKey.key.toBase58(), (mint) => tokenOf(snapshot, mint))) io.stdout(line);
        }
        setExit(0);
      } finally {
        await cluster.close();
      }
    });
}
