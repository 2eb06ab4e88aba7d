// A deterministic risk flag: what is wrong, how bad, and the evidence a human can check.
// Flags come from code, not from the model; a review always carries every one of them.

export type Severity = 'info' | 'warn' | 'severe';

export interface RiskFlag {
  /** Stable id, e.g. "treasury-outflow"; several flags may share an id (one per destination). */
  id: string;
  severity: Severity;
  title: string;
  /** Facts that back the flag: instruction summaries, amounts, quoted text. */
  evidence: string[];
  /** Instructions the flag is about (indexes into the decoded list). */
  instructions: number[];
}

export interface RiskThresholds {
  /** Outflow share of treasury value (basis points) from which the flag is a warning / severe. */
  outflowWarnBps: number;
  outflowSevereBps: number;
  /** Absolute outflow in micro-USD from which the flag is a warning / severe, whatever the share. */
  outflowWarnUsdMicros: bigint;
  outflowSevereUsdMicros: bigint;
  /** Less voting time left than this (seconds) is flagged. */
  minVotingTimeLeftSeconds: number;
  /** A hold-up shorter than this (seconds) on a proposal that moves value or authority is flagged. */
  minHoldUpSeconds: number;
}

export const DEFAULT_RISK_THRESHOLDS: RiskThresholds = {
  outflowWarnBps: 100,
  outflowSevereBps: 1_000,
  outflowWarnUsdMicros: 25_000_000_000n,
  outflowSevereUsdMicros: 250_000_000_000n,
  minVotingTimeLeftSeconds: 24 * 3600,
  minHoldUpSeconds: 24 * 3600,
};

const ORDER: Record<Severity, number> = { severe: 0, warn: 1, info: 2 };

export function sortFlags(flags: readonly RiskFlag[]): RiskFlag[] {
  return [...flags].sort((a, b) => ORDER[a.severity] - ORDER[b.severity] || a.id.localeCompare(b.id));
}

export function maxSeverity(flags: readonly RiskFlag[]): Severity | null {
  let best: Severity | null = null;
  for (const flag of flags) if (best === null || ORDER[flag.severity] < ORDER[best]) best = flag.severity;
  return best;
}
