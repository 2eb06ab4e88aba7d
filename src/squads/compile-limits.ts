// One policy, compiled into the multisig's own fence: for each token the vault holds, the
// spending limit (amount, period) that keeps the worst case the program allows inside every
// policy window, members = the agent only, destinations = the allow-list as Squads compares it.
//
// Squads periods reset at fixed times, so a rolling window of W touches up to ceil(W/P) + 1
// periods: a limit of X per period lets X·(ceil(W/P)+1) through in the worst case. The amount
// for a period is therefore min over the windows of cap / (ceil(W/P)+1), and the period chosen
// is the one with the most throughput (amount per second). Squads has no USD limit: a USD
// window is split evenly over the compiled tokens and each share converted at the current price
// (upper confidence bound), which holds only while prices do — those limits are flagged
// price-dependent. Pure: prices, destinations and the token list come from the caller.
import type { CompiledPolicy } from '../policy/index.js';
import type { Price } from '../shared/index.js';
import { formatAmount } from '../shared/amount.js';
import { periodSeconds, type SquadsPeriod } from './program.js';
import { periodsTouched } from './limit-arithmetic.js';

export interface CompiledLimit {
  symbol: string;
  mint: string;
  decimals: number;
  amount: bigint;
  period: SquadsPeriod;
  members: string[];
  destinations: string[];
  /** Some window's share came from a USD cap at today's price. */
  priceDependent: boolean;
  /** How the amount was found, one line per binding window. */
  notes: string[];
}

export interface UncompiledToken {
  symbol: string;
  reason: string;
}

export interface CompileLimitsResult {
  limits: CompiledLimit[];
  /** Tokens that get no limit (the agent then cannot spend them from the vault). */
  skipped: UncompiledToken[];
  /** Things the policy says that a spending limit cannot (per-transaction caps, USD windows). */
  caveats: string[];
}

export interface CompileLimitsParams {
  policy: CompiledPolicy;
  /** Policy token symbols to compile (tokens the vault holds; SOL compiles to a limit on the default key, as Squads stores it). */
  symbols: readonly string[];
  prices: Readonly<Record<string, Price | undefined>>;
  agent: string;
  /** The allow-list resolved to wallets (what spending_limit_use compares); empty = nothing allowed. */
  destinations: readonly string[];
}

const CANDIDATE_PERIODS: readonly SquadsPeriod[] = ['Day', 'Week', 'Month'];
const MONTH_SECONDS = 30n * 86_400n;

/** Base units of a token worth at most `microUsd` at `quote`'s upper confidence bound (rounded down). */
export function baseUnitsForUsd(microUsd: bigint, decimals: number, quote: Price): bigint {
  const upper = quote.mantissa + quote.confidence;
  if (upper <= 0n) return 0n;
  // value(micro) = base · upper · 10^(exponent + 6 - decimals)  ⇒  base = micro / (upper · 10^shift)
  const shift = quote.exponent + 6 - decimals;
  return shift >= 0 ? microUsd / (upper * 10n ** BigInt(shift)) : (microUsd * 10n ** BigInt(-shift)) / upper;
}

interface Cap {
  window: string;
  windowSeconds: bigint;
  amount: bigint;
  fromUsd: boolean;
}

export function compileSpendingLimits(params: CompileLimitsParams): CompileLimitsResult {
  const { policy } = params;
  const limits: CompiledLimit[] = [];
  const skipped: UncompiledToken[] = [];
  const caveats: string[] = [];
  if (policy.perTx.usd !== undefined || policy.perTx.tokens.size > 0) {
    caveats.push('per-transaction caps have no spending-limit equivalent: only Steward enforces them');
  }
  const usdWindows = policy.windows.filter((w) => w.usd !== undefined);
  const count = BigInt(Math.max(1, params.symbols.length));
  if (usdWindows.length > 0) {
    caveats.push(
      `a USD window cannot be expressed per mint: ${usdWindows.map((w) => `${w.label} $${formatAmount(w.usd!, 6)}`).join(', ')} is split evenly over ${count} token(s) at current prices; those limits hold the USD cap only while prices stay where they are (price-dependent)`,
    );
  }
  if (params.destinations.length === 0) {
    for (const symbol of params.symbols)
      skipped.push({ symbol, reason: 'the policy allows no destination, and an empty Squads destination list means anywhere' });
    return { limits, skipped, caveats };
  }
  for (const symbol of params.symbols) {
    const token = policy.tokens.get(symbol);
    if (!token) {
      skipped.push({ symbol, reason: 'not in the policy tokens table' });
      continue;
    }
    const caps: Cap[] = [];
    let unpriced = false;
    for (const window of policy.windows) {
      const windowSeconds = BigInt(Math.ceil(window.ms / 1000));
      const perToken = window.tokens.get(symbol);
      if (perToken !== undefined) caps.push({ window: window.label, windowSeconds, amount: perToken, fromUsd: false });
      if (window.usd !== undefined) {
        const quote = params.prices[symbol];
        if (!quote) {
          unpriced = true;
          continue;
        }
        caps.push({
          window: window.label,
          windowSeconds,
          amount: baseUnitsForUsd(window.usd / count, token.decimals, quote),
          fromUsd: true,
        });
      }
    }
    if (unpriced && !caps.some((cap) => !cap.fromUsd)) {
      skipped.push({
        symbol,
        reason: `no price for ${symbol}, so its share of the USD window cannot be converted; add a per-token window for ${symbol}`,
      });
      continue;
    }
    if (caps.length === 0) {
      skipped.push({
        symbol,
        reason: `the policy has no window that caps ${symbol}; a spending limit needs an amount per period (add a window)`,
      });
      continue;
    }
    let best: { period: SquadsPeriod; amount: bigint; binding: Cap } | undefined;
    for (const period of CANDIDATE_PERIODS) {
      const seconds = periodSeconds(period)!;
      let amount: bigint | undefined;
      let binding: Cap | undefined;
      for (const cap of caps) {
        const allowed = cap.amount / periodsTouched(period, cap.windowSeconds);
        if (amount === undefined || allowed < amount) {
          amount = allowed;
          binding = cap;
        }
      }
      if (amount === undefined || amount === 0n) continue;
      // Throughput per 30 days, compared exactly.
      if (!best || (amount * MONTH_SECONDS) / seconds > (best.amount * MONTH_SECONDS) / periodSeconds(best.period)!)
        best = { period, amount, binding: binding! };
    }
    if (!best) {
      skipped.push({
        symbol,
        reason: `the period granularity makes it impossible: every Squads period (Day, Week, Month) rounds ${symbol}'s caps down to zero`,
      });
      continue;
    }
    const touched = periodsTouched(best.period, best.binding.windowSeconds);
    const notes = [
      `${best.binding.window} cap ${formatAmount(best.binding.amount, token.decimals)} ${symbol}${best.binding.fromUsd ? ' (its USD share at the current price)' : ''}: a rolling ${best.binding.window} touches up to ${touched} ${best.period} periods, so ${formatAmount(best.amount, token.decimals)} per ${best.period}`,
    ];
    if (touched > 1n)
      notes.push(
        `Squads cannot express a rolling ${best.binding.window}: the limit is 1/${touched} of the cap so that periods around a reset stay within it`,
      );
    limits.push({
      symbol,
      mint: token.mint,
      decimals: token.decimals,
      amount: best.amount,
      period: best.period,
      members: [params.agent],
      destinations: [...params.destinations].sort(),
      priceDependent: caps.some((cap) => cap.fromUsd),
      notes,
    });
  }
  return { limits, skipped, caveats };
}
