// The spending limit's clock, exactly as the program keeps it, and what it lets through.
//
// Squads resets a limit at fixed intervals counted from `last_reset`, not over a rolling
// window: on a use at time t, if t - last_reset > P the remaining amount becomes the full amount
// and last_reset moves forward by whole periods. So a Day limit of X lets X through just before
// a reset and X again just after: up to 2X inside one rolling 24 hours. In general a rolling
// window of length W touches at most ceil(W / P) + 1 periods, each good for the full amount.
// A OneTime limit never resets: what remains is all it will ever let through.
import { periodSeconds, type SquadsPeriod } from './program.js';

export interface LimitState {
  amount: bigint;
  period: SquadsPeriod;
  remainingAmount: bigint;
  lastReset: bigint;
}

/** What a use at `now` (unix seconds, the chain's clock) could still move: the program's lazy reset applied. */
export function remainingAt(limit: LimitState, now: bigint): bigint {
  const period = periodSeconds(limit.period);
  if (period === null) return limit.remainingAmount;
  return now - limit.lastReset > period ? limit.amount : limit.remainingAmount;
}

/** When the next reset can happen (unix seconds); null for OneTime. */
export function nextResetAfter(limit: LimitState, now: bigint): bigint | null {
  const period = periodSeconds(limit.period);
  if (period === null) return null;
  if (now - limit.lastReset <= period) return limit.lastReset + period;
  const passed = (now - limit.lastReset) / period;
  return limit.lastReset + (passed + 1n) * period;
}

/** How many periods a rolling window of `windowSeconds` can touch: ceil(W / P) + 1; 1 for OneTime. */
export function periodsTouched(period: SquadsPeriod, windowSeconds: bigint): bigint {
  const seconds = periodSeconds(period);
  if (seconds === null) return 1n;
  return (windowSeconds + seconds - 1n) / seconds + 1n;
}

/** The most a limit can let through inside any rolling window of `windowSeconds`. */
export function worstCaseInWindow(limit: Pick<LimitState, 'amount' | 'period' | 'remainingAmount'>, windowSeconds: bigint): bigint {
  if (limit.period === 'OneTime') return limit.remainingAmount;
  return limit.amount * periodsTouched(limit.period, windowSeconds);
}
