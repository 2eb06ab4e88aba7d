// A verdict is data: what the policy decided and every rule that fired, each with a stable id
// (for logs, reports and tests) and a sentence a DAO member can read. Deny wins over approval,
// approval over allow.

export const ruleIds = [
  'kill-switch.file',
  'kill-switch.db',
  'action.invalid',
  'action.kind-unknown',
  'action.kind-not-allowed',
  'active-hours',
  'address.invalid',
  'token.unknown',
  'amount.invalid',
  'limit.per-tx.token',
  'limit.per-tx.usd',
  'limit.window.token',
  'limit.window.usd',
  'ledger.window-missing',
  'reserve',
  'reserve.balance-unknown',
  'oracle.untrusted',
  'destination.not-allowed',
  'validator.not-allowed',
  'swap.same-token',
  'swap.slippage',
  'swap.price-impact',
  'swap.realized-loss',
  'approval.above-usd',
  'approval.kind',
  'effects.outflow-exceeds',
  'effects.unclaimed-outflow',
  'effects.unknown-token',
  'effects.destination-mismatch',
  'effects.program-not-allowed',
  'effects.authority-change',
] as const;

export type RuleId = (typeof ruleIds)[number];
export type RuleEffect = 'deny' | 'needs-approval';

export interface FiredRule {
  id: RuleId;
  effect: RuleEffect;
  reason: string;
}

export type VerdictKind = 'allow' | 'needs-approval' | 'deny';

export type Verdict<A = unknown> =
  | { kind: 'allow'; rules: readonly FiredRule[]; action: A }
  | { kind: 'needs-approval'; rules: readonly FiredRule[]; action: A }
  | { kind: 'deny'; rules: readonly FiredRule[]; action: A | undefined };

export function deny(id: RuleId, reason: string): FiredRule {
  return { id, effect: 'deny', reason };
}

export function needsApproval(id: RuleId, reason: string): FiredRule {
  return { id, effect: 'needs-approval', reason };
}

/** The verdict the fired rules add up to: any deny denies, else any approval asks, else allow. */
export function verdictKind(rules: readonly FiredRule[]): VerdictKind {
  let kind: VerdictKind = 'allow';
  for (const rule of rules) {
    if (rule.effect === 'deny') return 'deny';
    kind = 'needs-approval';
  }
  return kind;
}

/** Exit status of `steward policy check`: 0 allow, 3 deny, 4 needs-approval. */
export function verdictExitCode(kind: VerdictKind): number {
  switch (kind) {
    case 'allow':
      return 0;
    case 'deny':
      return 3;
    case 'needs-approval':
      return 4;
    default:
      return kind satisfies never;
  }
}
