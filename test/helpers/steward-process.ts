// Runs `steward` as a real process (bin/steward.js), the way an operator or cron would, and
// captures its exit and output. `delayMs` starts it later (start jitter); `killAfterMs` sends
// SIGKILL after that long, as a power cut would.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const STEWARD_BIN = join(import.meta.dirname, '..', '..', 'bin', 'steward.js');

export interface StewardExit {
  args: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  pid: number | undefined;
}

export function stewardProcess(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; delayMs?: number; killAfterMs?: number } = {},
): Promise<StewardExit> {
  return new Promise((resolve) => {
    setTimeout(() => {
      const child = spawn(process.execPath, ['--no-allocation-site-pretenuring', STEWARD_BIN, ...args], {
        env: { ...process.env, STEWARD_LOG_LEVEL: 'warn', ...options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const killer = options.killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.killAfterMs);
      child.on('exit', (code, signal) => {
        if (killer) clearTimeout(killer);
        resolve({ args, code, signal, stdout, stderr, pid: child.pid });
      });
    }, options.delayMs ?? 0);
  });
}
