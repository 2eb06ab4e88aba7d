// Crash-safety test hook: with STEWARD_TEST_HOOKS=1 and STEWARD_TEST_KILL_AT=<point>, the
// executor SIGKILLs its own process at that lifecycle point, exactly as a power cut would: no
// finally blocks, no flush beyond what SQLite already committed. Both variables are required so
// a stray STEWARD_TEST_KILL_AT in a real environment does nothing.
export const killPoints = ['after-build', 'after-sign', 'after-send', 'before-confirm-record'] as const;
export type KillPoint = (typeof killPoints)[number];

export function maybeKill(point: KillPoint): void {
  if (process.env['STEWARD_TEST_HOOKS'] !== '1') return;
  if (process.env['STEWARD_TEST_KILL_AT'] !== point) return;
  process.kill(process.pid, 'SIGKILL');
}
