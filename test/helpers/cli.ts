// Runs the CLI in-process and captures what it prints.
import { main } from '../../src/cli/main.js';

export async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'steward', ...args], {
    stdout: (text) => {
      stdout += text.endsWith('\n') ? text : `${text}\n`;
    },
    stderr: (text) => {
      stderr += text.endsWith('\n') ? text : `${text}\n`;
    },
  });
  return { code, stdout, stderr };
}

/** Runs `bin/steward.js` in its own process, as an operator would; never throws on a failing exit. */
export async function runCliProcess(
  args: string[],
  options: { env?: Record<string, string | undefined>; cwd?: string; timeoutMs?: number } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { resolve } = await import('node:path');
  return runNodeProcess([resolve(import.meta.dirname, '../../bin/steward.js'), ...args], options);
}

/** Runs `node ARGS...` from the repository root (or `cwd`), with STEWARD_LOG_LEVEL=error; never throws on a failing exit. */
export async function runNodeProcess(
  args: string[],
  options: { env?: Record<string, string | undefined>; cwd?: string; timeoutMs?: number } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { spawn } = await import('node:child_process');
  const { resolve } = await import('node:path');
  const root = resolve(import.meta.dirname, '../..');
  return await new Promise((done, fail) => {
    const child = spawn(process.execPath, args, {
      cwd: options.cwd ?? root,
      env: { ...process.env, STEWARD_LOG_LEVEL: 'error', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code, signal) => done({ code: code ?? (signal ? 128 : -1), stdout, stderr }));
  });
}
