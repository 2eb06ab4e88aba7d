// `steward --help` loads no command module (each loads when it runs) yet lists every command,
// and a command's own help is its real definition.
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { commandNameOf } from '../../src/cli/commands/index.js';
import { SUMMARY } from '../../src/cli/summaries.js';
import { buildProgram } from '../../src/cli/main.js';

const run = promisify(execFile);
const bin = join(resolve(import.meta.dirname, '../..'), 'bin/steward.js');
const io = { stdout: () => undefined, stderr: () => undefined };

describe('steward --help', () => {
  it('lists every command with its summary, in a real process', async () => {
    const { stdout } = await run(process.execPath, [bin, '--help'], { timeout: 60_000 });
    const flat = stdout.replace(/\s+/g, ' ');
    for (const [name, summary] of Object.entries(SUMMARY)) expect(flat).toContain(`${name} ${summary.slice(0, 30)}`);
  }, 60_000);

  it('`help run` and `run --help` show the real command with its options', async () => {
    for (const args of [
      ['help', 'run'],
      ['--confirm-url', 'http://127.0.0.1:1', 'run', '--help'],
    ]) {
      const { stdout } = await run(process.execPath, [bin, ...args], { timeout: 60_000 });
      expect(stdout).toContain('--dry-run');
    }
  }, 120_000);

  it('finds the command name past global options with values', () => {
    const values = new Set(['--db', '--url', '--confirm-url']);
    expect(commandNameOf(['--db', 'x.db', '--url', 'devnet', '--confirm-url', 'http://a', 'status', '--json'], values)).toBe('status');
    expect(commandNameOf(['--verbose', 'help', 'grant'], values)).toBe('grant');
    expect(commandNameOf(['--help'], values)).toBeNull();
  });

  it('every command module registers the command its summary names, with the same description', async () => {
    const program = await buildProgram(io, () => undefined, 'all');
    const described = Object.fromEntries(program.commands.map((command) => [command.name(), command.description()]));
    expect(described).toEqual(SUMMARY);
  }, 120_000);
});
