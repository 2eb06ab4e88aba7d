// The lifecycle of an action row. "In flight" states count against rolling-window limits
// exactly like executed ones, so two concurrent runs cannot both spend the same window.
export const actionStates = [
  'proposed',
  'denied',
  'pending-approval',
  'rejected',
  'approval-expired',
  'approved',
  'built',
  'simulated',
  'effects-checked',
  'effects-refused',
  'signed',
  'sent',
  'confirmed',
  'failed',
  'expired',
  /** Sent, but the RPC answers could not settle it (disagreeing endpoints, a lie): counts as spent. */
  'unknown',
  /** Left unsigned by a process that died: nothing was signed, nothing can land. */
  'abandoned',
  'dry-run',
] as const;

export type ActionState = (typeof actionStates)[number];

/** States whose amount counts against spend windows: executed, or possibly about to be. */
export const spendingStates: readonly ActionState[] = [
  'approved',
  'built',
  'simulated',
  'effects-checked',
  'signed',
  'sent',
  'unknown',
  'confirmed',
];

/** Outflows the chain may not show yet: taken off observed balances before the reserve rule. */
export const unsettledStates: readonly ActionState[] = ['approved', 'built', 'simulated', 'effects-checked', 'signed', 'sent', 'unknown'];

/** Driven toward a signature by one process, nothing signed yet: closed as abandoned if it dies. */
export const unsignedInFlightStates: readonly ActionState[] = ['approved', 'built', 'simulated', 'effects-checked'];
