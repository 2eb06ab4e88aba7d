// The journal of effects checks (migration 7): each simulation of an action, what the check
// concluded and the slots of the reads behind it, so a verdict can be traced to one moment.
import type { TransactionEffects } from '../policy/index.js';
import type { Db } from '../store/store.js';
import { statement } from '../store/statements.js';
import type { EffectsSlots } from './simulate.js';

export type EffectCheckOutcome = 'passed' | 'denied' | 'unstable' | 'simulation-failed' | 'logs-truncated';

export interface EffectCheckRow {
  id: number;
  action_id: number;
  mode: 'dry-run' | 'execute';
  outcome: EffectCheckOutcome;
  rounds: number;
  pre_slot: number;
  simulation_slot: number;
  recheck_slot: number;
  effects: string | null;
  detail: string | null;
  created_at: string;
}

export interface NewEffectCheck {
  actionId: number;
  mode: 'dry-run' | 'execute';
  outcome: EffectCheckOutcome;
  rounds: number;
  slots: EffectsSlots;
  effects: TransactionEffects | undefined;
  detail?: string;
}

/** TransactionEffects as JSON, amounts as decimal strings (bigint-safe). */
export function effectsJson(effects: TransactionEffects): string {
  return JSON.stringify(effects, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
}

export function recordEffectCheck(db: Db, check: NewEffectCheck, now: Date): void {
  statement(
    db,
    `INSERT INTO effect_checks (action_id, mode, outcome, rounds, pre_slot, simulation_slot, recheck_slot, effects, detail, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    check.actionId,
    check.mode,
    check.outcome,
    check.rounds,
    check.slots.pre,
    check.slots.simulation,
    check.slots.recheck,
    check.effects ? effectsJson(check.effects) : null,
    check.detail ?? null,
    now.toISOString(),
  );
}

/** Every effects check of action `actionId`, oldest first. */
export function effectChecksOf(db: Db, actionId: number): EffectCheckRow[] {
  return statement(db, 'SELECT * FROM effect_checks WHERE action_id = ? ORDER BY id').all(actionId) as EffectCheckRow[];
}
