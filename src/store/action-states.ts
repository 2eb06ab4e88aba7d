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
  'confirmed',
];
