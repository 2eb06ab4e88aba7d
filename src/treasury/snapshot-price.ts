// The one crossing from a stored observation's price record (the oracle account as read:
// component/exponent, possibly unparseable) to the money model's `Price`. Everything past the
// snapshot values with `Price`.
import type { Price } from '../shared/index.js';
import type { SnapshotPrice } from './snapshot.js';

/** The snapshot's price as a `Price`; null when the account did not parse as one. */
export function priceOfSnapshot(record: SnapshotPrice): Price | null {
  if (record.component === null || record.exponent === null) return null;
  return {
    mantissa: record.component,
    exponent: record.exponent,
    confidence: record.confidenceComponent ?? 0n,
    publishTime: record.publishTime === null ? null : Number(record.publishTime) * 1000,
    trusted: record.trusted,
    reasons: record.reasons,
  };
}
