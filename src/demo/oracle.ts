// The demo's price publisher: re-writes the live Pyth feeds at the chain's current slot and
// time, as Pyth publishers do on a real cluster, so that freshness checks pass for them while
// the stale feed (JUP) keeps aging. Without it every demo price would go stale after a minute.
import type { ChainWriter } from '../chain/embedded/types.js';
import { publishLivePrices, type DemoFeedSymbol } from './seed/pyth.js';

/** Publishes the live demo feeds once, at the chain's clock. Returns the symbols published. */
export function refreshDemoPrices(chain: ChainWriter): DemoFeedSymbol[] {
  return publishLivePrices(chain, chain.clock());
}

export interface DemoOracleOptions {
  /** Milliseconds between publications; default 2,000 (Pyth publishes every slot, the demo needs less). */
  intervalMs?: number;
  /** Called when a publication fails; the oracle keeps running. Without it, the oracle stops at the first failure. */
  onError?: (error: unknown) => void;
}

export interface DemoOracle {
  stop(): void;
  [Symbol.dispose](): void;
}

/** Publishes now, then every `intervalMs` until stopped. The timer does not keep the process alive. */
export function startDemoOracle(chain: ChainWriter, options: DemoOracleOptions = {}): DemoOracle {
  const intervalMs = options.intervalMs ?? 2_000;
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) throw new RangeError(`intervalMs must be a positive number, got ${intervalMs}`);
  refreshDemoPrices(chain);
  const timer = setInterval(() => {
    try {
      refreshDemoPrices(chain);
    } catch (error) {
      if (options.onError) options.onError(error);
      else clearInterval(timer);
    }
  }, intervalMs);
  timer.unref();
  const stop = (): void => clearInterval(timer);
  return { stop, [Symbol.dispose]: stop };
}
