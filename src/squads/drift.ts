// The drift between the two fences of a Squads-held treasury: each policy window against the
// worst case the multisig's spending limits allow the agent inside that window (reset, not
// rolling: see limit-arithmetic.ts), and the multisig settings that open a way around either.
// Every flag says what to change. Pure: the multisig state, prices and the allow-list resolved
// to wallets come from the caller.
import type { CompiledPolicy } from '../policy/index.js';
import { formatUsd, valueMicroUsd, type Price } from '../shared/index.js';
import { formatAmount } from '../shared/amount.js';
import { worstCaseInWindow } from './limit-arithmetic.js';
import type { SquadsSpendingLimit, SquadsTreasury } from './read-squads.js';

export const driftFlagIds = [
  'missing-limit',
  'limit-looser-than-policy',
  'destinations-broader',
  'members-beyond-agent',
  'agent-votes-or-executes',
  'removed-member-keeps-limit',
  'time-lock-zero',
] as const;
export type DriftFlagId = (typeof driftFlagIds)[number];

export interface DriftFlag {
  id: DriftFlagId;
  /** The spending limit, token or member concerned. */
  subject: string;
  message: string;
  /** What to change. */
  fix: string;
  /** The flag depends on today's prices (a USD window). */
  priceDependent?: boolean;
}

/**
 * Established on the deployed Squads v4 binary (test/chain/squads-limits.test.ts): removing a
 * key from the multisig does not remove it from spending limits; it keeps spending through them.
 */
export const REMOVED_MEMBER_KEEPS_LIMIT = true;

export interface DriftParams {
  policy: CompiledPolicy;
  squads: SquadsTreasury;
  agent: string;
  /** Policy token symbols the vault holds (each should have a limit). */
  symbols: readonly string[];
  prices: Readonly<Record<string, Price | undefined>>;
  /** The allow-list resolved to wallets (token accounts to their owners, "treasury" to its owners). */
  destinations: ReadonlySet<string>;
}

const GRANT = 'run `steward grant --squads` and have the members approve and execute the config transaction it prints';

export function checkSquadsDrift(params: DriftParams): DriftFlag[] {
  const { policy, squads, agent } = params;
  const flags: DriftFlag[] = [];
  const agentLimits = squads.spendingLimits.filter((limit) => limit.members.includes(agent) && limit.vaultIndex === squads.vaultIndex);
  const symbolOf = (mint: string) => policy.tokensByMint.get(mint)?.symbol;
  const label = (limit: SquadsSpendingLimit) => `${symbolOf(limit.mint) ?? limit.mint} limit ${limit.address}`;

  for (const symbol of params.symbols) {
    const token = policy.tokens.get(symbol);
    if (!token) continue;
    if (!agentLimits.some((limit) => limit.mint === token.mint)) {
      flags.push({
        id: 'missing-limit',
        subject: symbol,
        message:
          token.mint === 'native'
            ? `no spending limit lets the agent spend the vault's SOL: SOL payments come from the agent's own float instead, outside the multisig's fence`
            : `no spending limit lets the agent spend the vault's ${symbol}: every ${symbol} transfer the policy allows will fail on chain`,
        fix: `add one: ${GRANT}`,
      });
    }
  }

  // Per-token windows: the sum over the agent's limits on the mint.
  for (const window of policy.windows) {
    const seconds = BigInt(Math.ceil(window.ms / 1000));
    for (const [symbol, cap] of window.tokens) {
      const token = policy.tokens.get(symbol)!;
      const onMint = agentLimits.filter((limit) => limit.mint === token.mint);
      const worst = onMint.reduce((sum, limit) => sum + worstCaseInWindow(limit, seconds), 0n);
      if (worst > cap) {
        flags.push({
          id: 'limit-looser-than-policy',
          subject: onMint.map(label).join(', '),
          message: `the ${symbol} limit(s) let up to ${formatAmount(worst, token.decimals)} ${symbol} through in a rolling ${window.label} (periods reset at fixed times: ${onMint.map((l) => `${formatAmount(l.amount, token.decimals)} per ${l.period}`).join(' + ')}); the policy allows ${formatAmount(cap, token.decimals)}`,
          fix: `replace them with the limit grant computes (smaller amount per period): ${GRANT}`,
        });
      }
    }
    if (window.usd !== undefined) {
      let worstUsd = 0n;
      const parts: string[] = [];
      const unpriced: string[] = [];
      for (const limit of agentLimits) {
        const token = policy.tokensByMint.get(limit.mint);
        const quote = token ? params.prices[token.symbol] : undefined;
        if (!token || !quote) {
          unpriced.push(label(limit));
          continue;
        }
        const worst = worstCaseInWindow(limit, seconds);
        worstUsd += valueMicroUsd(worst, token.decimals, { ...quote, mantissa: quote.mantissa + quote.confidence }, 'up');
        parts.push(`${formatAmount(worst, token.decimals)} ${token.symbol}`);
      }
      if (unpriced.length > 0) {
        flags.push({
          id: 'limit-looser-than-policy',
          subject: unpriced.join(', '),
          message: `the ${window.label} USD cap ${formatUsd(window.usd, 'exact')} cannot bound limit(s) on tokens without a price or outside the policy: ${unpriced.join(', ')}`,
          fix: `remove them, or list the token with a price in the policy: ${GRANT}`,
          priceDependent: true,
        });
      }
      if (worstUsd > window.usd) {
        flags.push({
          id: 'limit-looser-than-policy',
          subject: `USD ${window.label}`,
          message: `at current prices the agent's limits let ${formatUsd(worstUsd, 'exact')} through in a rolling ${window.label} (${parts.join(' + ')}); the policy allows ${formatUsd(window.usd, 'exact')}`,
          fix: `lower the limits to their share of the USD cap: ${GRANT}`,
          priceDependent: true,
        });
      }
    }
  }

  for (const limit of agentLimits) {
    const broader = limit.destinations.length === 0 ? null : limit.destinations.filter((d) => !params.destinations.has(d));
    if (broader === null || broader.length > 0) {
      flags.push({
        id: 'destinations-broader',
        subject: label(limit),
        message:
          broader === null
            ? `${label(limit)} has an empty destination list: Squads lets it pay anyone; the policy allows ${params.destinations.size} destination(s)`
            : `${label(limit)} may pay ${broader.join(', ')}, which the policy's allow-list does not name`,
        fix: `replace it with one whose destinations are the allow-list's wallets: ${GRANT}`,
      });
    }
    const others = limit.members.filter((m) => m !== agent);
    if (others.length > 0) {
      flags.push({
        id: 'members-beyond-agent',
        subject: label(limit),
        message: `${label(limit)} can also be used by ${others.join(', ')}: spends by them count against no Steward window`,
        fix: `replace it with one whose only member is the agent: ${GRANT}`,
      });
    }
  }

  const memberKeys = new Set(squads.members.map((m) => m.key));
  for (const limit of squads.spendingLimits) {
    const gone = limit.members.filter((m) => m !== agent && !memberKeys.has(m));
    if (gone.length > 0 && REMOVED_MEMBER_KEEPS_LIMIT) {
      flags.push({
        id: 'removed-member-keeps-limit',
        subject: label(limit),
        message: `${label(limit)} is usable by ${gone.join(', ')}, which the multisig no longer lists; the deployed Squads v4 program lets such a key keep spending through it`,
        fix: `remove the limit (a RemoveSpendingLimit config action; \`steward grant --squads\` includes it)`,
      });
    }
  }

  const agentMember = squads.members.find((m) => m.key === agent);
  if (agentMember && (agentMember.vote || agentMember.execute)) {
    flags.push({
      id: 'agent-votes-or-executes',
      subject: agent,
      message: `the agent key is a multisig member with ${[agentMember.vote ? 'Vote' : '', agentMember.execute ? 'Execute' : ''].filter(Boolean).join(' and ')} permission: it can help approve or execute any vault transaction, around both fences`,
      fix: 'remove it as a member (a spending limit does not need membership); `steward grant --squads` includes the RemoveMember action',
    });
  }
  if (squads.timeLockSeconds === 0) {
    flags.push({
      id: 'time-lock-zero',
      subject: squads.multisig,
      message:
        'the multisig has no time lock: an approved transaction (a new limit, a new member) executes at once, with no time to notice',
      fix: 'set one with a SetTimeLock config action (`steward grant --squads --time-lock SECONDS` includes it)',
    });
  }
  return flags;
}
