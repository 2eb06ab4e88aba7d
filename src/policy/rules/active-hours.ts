// Optional UTC trading hours: outside every listed range nothing executes. A range whose end is
// before its start runs past midnight and belongs to the day it starts on.
import { deny } from '../verdict.js';
import { NO_RULES, type PolicyRule } from './rule.js';

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export const checkActiveHours: PolicyRule<unknown> = (_action, { policy, context }) => {
  const ranges = policy.activeHours;
  if (!ranges) return NO_RULES;
  const date = new Date(context.now);
  const day = date.getUTCDay();
  const minute = date.getUTCHours() * 60 + date.getUTCMinutes();
  const previousDay = (day + 6) % 7;
  for (const range of ranges) {
    if (range.fromMinute <= range.toMinute) {
      if (range.days.has(day) && minute >= range.fromMinute && minute < range.toMinute) return NO_RULES;
    } else {
      if (range.days.has(day) && minute >= range.fromMinute) return NO_RULES;
      if (range.days.has(previousDay) && minute < range.toMinute) return NO_RULES;
    }
  }
  const hhmm = `${String(date.getUTCHours()).padStart(2, '0')}:${String(date.getUTCMinutes()).padStart(2, '0')}`;
  return [deny('active-hours', `${DAY_NAMES[day]} ${hhmm} UTC is outside the policy's active hours`)];
};
