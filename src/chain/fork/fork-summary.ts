// One line about a fork for people: its upstream and start slot, what the upstream cost, the
// spread of read slots, and what the store's cache served or found too old to trust.
import type { ForkInfo } from './fork-loader.js';

export function forkSummary(info: ForkInfo): string {
  const cache = !info.cache.enabled
    ? 'no cache'
    : `${info.cache.hits} read(s) from the store's cache` +
      (info.cache.tooOld > 0
        ? `, ${info.cache.tooOld} cached read(s) too old to trust (over ${info.cache.maxAgeSlots} slots before the fork) read again`
        : '');
  return (
    `of ${info.upstream} from its slot ${info.forkSlot}; ${info.requests} upstream request(s) (budget ${info.budget}), ` +
    `${info.fetched} account(s) from it or the cache, read at slots ${info.readSlots.min ?? '-'}..${info.readSlots.max ?? '-'}; ${cache}`
  );
}
