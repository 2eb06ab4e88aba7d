// The fixed parts of an agent's prompt. They come first and change only when the agent or its
// policy changes, so a local model reuses their evaluated prefix from run to run.
import { UNTRUSTED_DATA_RULE } from '../llm/index.js';
import type { AgentConfig, PolicyConfig } from '../config/index.js';
import type { PositionsAnalysis } from '../treasury/positions/index.js';
import { formatPpmPercent } from '../treasury/index.js';
import { formatAmount, formatUsd } from '../shared/index.js';

export function treasurySystemPrompt(agent: AgentConfig): string {
  return [
    `You are "${agent.name}", an agent that proposes actions for a DAO treasury on Solana.`,
    'You only propose. A deterministic policy engine and on-chain allowances decide what happens;',
    'anything outside the policy is refused, so propose only what the policy allows.',
    'Use the figures Steward computed; never invent balances, prices or addresses.',
    'Amounts are decimal strings in whole tokens (for example "2500.00"), tokens are symbols from the policy table,',
    'addresses are base58 and must appear in the policy or the analysis.',
    'Answer with JSON only, matching the schema: {"assessment": string, "actions": [ ... ]}.',
    'When nothing needs doing, answer with one action {"kind": "none", "reason": "..."}.',
    UNTRUSTED_DATA_RULE,
    '',
    'Operator instructions:',
    agent.instructions.trim(),
  ].join('\n');
}

/** The policy as the model needs it: what it may propose and what will be refused. */
export function describePolicy(policy: PolicyConfig): string {
  const lines = [`Policy "${policy.name}"${policy.paused ? ' (PAUSED: every action will be denied)' : ''}:`];
  lines.push(
    `- tokens: ${Object.entries(policy.tokens)
      .map(([symbol, token]) => `${symbol} (${token.mint === 'native' ? 'native SOL' : token.mint})`)
      .join(', ')}`,
  );
  lines.push(`- allowed actions: ${policy.allow.actions.join(', ')}`);
  lines.push(
    `- allowed destinations: ${policy.allow.destinations.map((d) => (d === 'treasury' ? 'treasury-owned accounts' : d)).join(', ')}`,
  );
  const perTx = [
    policy.limits.perTx.usd ? `$${policy.limits.perTx.usd}` : null,
    ...Object.entries(policy.limits.perTx.tokens ?? {}).map(([symbol, amount]) => `${amount} ${symbol}`),
  ].filter(Boolean);
  if (perTx.length > 0) lines.push(`- per transaction at most: ${perTx.join(', ')}`);
  for (const window of policy.limits.windows) {
    const caps = [window.usd ? `$${window.usd}` : null, ...Object.entries(window.tokens ?? {}).map(([s, a]) => `${a} ${s}`)].filter(
      Boolean,
    );
    lines.push(`- per ${window.window} at most: ${caps.join(', ')}`);
  }
  const reserves = Object.entries(policy.limits.reserves);
  if (reserves.length > 0) lines.push(`- always keep: ${reserves.map(([s, a]) => `${a} ${s}`).join(', ')}`);
  const approvals = [
    policy.approval.aboveUsd ? `above $${policy.approval.aboveUsd}` : null,
    policy.approval.actions.length ? `every ${policy.approval.actions.join('/')}` : null,
  ].filter(Boolean);
  if (approvals.length > 0) lines.push(`- a human must approve: ${approvals.join('; ')}`);
  lines.push(`- swaps: slippage at most ${policy.swap.maxSlippageBps} bps`);
  return lines.join('\n');
}

export function treasuryTask(maxActions: number): string {
  return [
    'Review the treasury analysis above against the targets and the operator instructions.',
    `Propose at most ${maxActions} action(s) that the policy allows, or one "none" action.`,
    'Give each action a short reason that cites the figure behind it.',
  ].join(' ');
}

/** DeFi positions for the prompt: computed figures only, no on-chain text. */
export function summarizePositions(positions: PositionsAnalysis | null): string {
  if (!positions || (positions.positions.length === 0 && positions.liquidStaking.length === 0)) return '';
  const lines = [
    `DeFi positions (computed by Steward): assets ${formatUsd(positions.assetsMicroUsd, 'exact')}, debt ${formatUsd(positions.debtMicroUsd, 'exact')}, net ${formatUsd(positions.netMicroUsd, 'exact')}.`,
  ];
  for (const figure of positions.positions) {
    if (figure.kind === 'lending') {
      lines.push(
        `- ${figure.protocol} lending ${figure.account}: supplied ${formatUsd(figure.suppliedMicroUsd, 'exact')}, borrowed ${formatUsd(figure.borrowedMicroUsd, 'exact')}, health ${figure.healthFactorPpm === null ? 'no debt' : formatPpmPercent(figure.healthFactorPpm)}, ${figure.distanceToLiquidationPpm === null ? '' : `liquidation after a ${formatPpmPercent(figure.distanceToLiquidationPpm)} collateral fall`}`,
      );
    } else if (figure.kind === 'liquidity') {
      lines.push(
        `- ${figure.protocol} liquidity ${figure.account}: ${formatUsd(figure.netMicroUsd, 'exact')} (fees ${formatUsd(figure.feesMicroUsd, 'exact')}), ${figure.inRange ? 'in range' : 'OUT OF RANGE'}`,
      );
    } else {
      lines.push(`- ${figure.protocol} ${figure.account}: unreadable, not valued`);
    }
  }
  for (const lst of positions.liquidStaking) {
    lines.push(
      `- ${lst.symbol} (liquid staking, stake pool ${lst.account}): ${formatAmount(lst.lamportsPerToken, 9)} SOL per token at the pool rate, held ${formatAmount(lst.amount, lst.decimals)} = ${formatAmount(lst.solLamports, 9)} SOL; ` +
        `${lst.fairMicroUsd === null ? '$?' : formatUsd(lst.fairMicroUsd, 'exact')} at the rate vs ${lst.marketMicroUsd === null ? '$?' : formatUsd(lst.marketMicroUsd, 'exact')} at market (${lst.depegBps === null ? 'depeg unknown' : `${lst.depegBps} bps`})`,
    );
  }
  for (const flag of positions.flags) lines.push(`- flag (${flag.severity}): ${flag.message}`);
  return lines.join('\n');
}
