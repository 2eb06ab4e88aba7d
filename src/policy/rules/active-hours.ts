// Optional UTC trading hours: outside every listed range nothing executes. A range whose end is
// before its start runs past midnight and belongs to the day it starts on.
import type { CompiledPolicy } from '../compile-policy.js';
import { deny, type FiredRule } from '../verdict.js';

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export function checkActiveHours(policy: CompiledPolicy, now: number): FiredRule | undefined {
  const ranges = policy.activeHours;
  if (!ranges) return undefined;
  const date = new Date(now);
  const day = date.getUTCDay();
  const minute = date.getUTCHours() * 60 + date.getUTCMinutes();
  const previousDay = (day + 6) % 7;
  for (const range of ranges) {
    if (range.fromMinute <= range.toMinute) {
      if (range.days.has(day) && minute >= range.fromMinute && minute < range.toMinute) return undefined;
    } else {
      if (range.days.has(day) && minute >= range.fromMinute) return undefined;
      if (range.days.has(previousDay) && minute < range.toMinute) return undefined;
    }
  }
  const hhmm = `${String(date.getUTCHours()).padStart(2, '0')}:${String(date.getUTCMinutes()).padStart(2, '0')}`;
  return deny('active-hours', `${DAY_NAMES[day]} ${hhmm} UTC is outside the policy's active hours`);
}
