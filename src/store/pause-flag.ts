// The kill switch kept in the database (`steward pause` / `steward resume`), so an operator can
// stop every agent without editing a policy file. Read it before each verdict; it is cheap.
import type { Db } from './store.js';
import { getSetting, setSetting } from './settings.js';

const KEY = 'paused';

export interface PauseState {
  paused: boolean;
  reason: string | undefined;
  /** ISO time of the last change, undefined when never set. */
  since: string | undefined;
}

export function pauseState(db: Db): PauseState {
  const text = getSetting(db, KEY);
  if (text === undefined) return { paused: false, reason: undefined, since: undefined };
  try {
    const value = JSON.parse(text) as { paused?: unknown; reason?: unknown; at?: unknown };
    return {
      // Anything but an explicit false keeps the switch on: a damaged flag must not unpause.
      paused: value.paused !== false,
      reason: typeof value.reason === 'string' ? value.reason : undefined,
      since: typeof value.at === 'string' ? value.at : undefined,
    };
  } catch {
    return { paused: true, reason: 'the stored pause flag is unreadable', since: undefined };
  }
}

export function isPaused(db: Db): boolean {
  return pauseState(db).paused;
}

export function setPaused(db: Db, paused: boolean, reason?: string, now: Date = new Date()): void {
  setSetting(db, KEY, JSON.stringify({ paused, reason: reason ?? null, at: now.toISOString() }), now);
}
