// Exit codes as the README states them: 0 success, 1 a runtime failure, 2 bad input (config,
// arguments, files), with `policy check`'s own 3 and 4. One table over the commands, each case
// with the error it must print; then the edges of a real process (a closed stdout) and of config
// files (an alias bomb, invalid UTF-8) where validation must go on with the other files.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir, tempTree } from '../helpers/tmp.js';

const root = resolve(import.meta.dirname, '../..');
const GRANTEE = '2dMsEow5mVnpDH8nL4MctcsQ8WQrPVcrxLd5d6NGbp7t';
const ALIAS_BOMB = [
  'a: &a ["x","x","x","x","x","x","x","x","x"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  '',
].join('\n');
const NOT_UTF8 = Buffer.concat([Buffer.from('name: treasury\ndescription: caf'), Buffer.from([0xe9]), Buffer.from('\n')]);

describe('exit codes, command by command', () => {
  const work = tempDir('steward-exit-');
  const db = join(work, 'steward.db');
  const file = (name: string, contents: string | Buffer): string => {
    const path = join(work, name);
    writeFileSync(path, contents);
    return path;
  };
  const action = (amount: string) =>
    file(`action-${Buffer.from(amount).toString('hex')}.json`, JSON.stringify({ kind: 'transfer', token: 'USDC', amount, to: GRANTEE }));
  const policy = join(root, 'policies/treasury.yaml');

  const cases: { name: string; args: () => string[]; code: number; stderr?: RegExp; stdout?: RegExp }[] = [
    { name: '--help', args: () => ['--help'], code: 0 },
    { name: 'validate, shipped config', args: () => ['validate'], code: 0 },
    { name: 'unknown command', args: () => ['frobnicate'], code: 2 },
    { name: 'unknown option', args: () => ['runs', 'list', '--bogus'], code: 2 },
    {
      name: 'unknown --log-level',
      args: () => ['--log-level', 'loud', 'validate'],
      code: 2,
      stderr:
        /error\[OPTION_INVALID\]: --log-level "loud" is not a log level\nhint: use one of trace, debug, info, warn, error, fatal, silent/,
    },
    { name: 'runs show, not a number', args: () => ['--db', db, 'runs', 'show', 'abc'], code: 2, stderr: /run id must be a number/ },
    { name: 'runs show, no such run', args: () => ['--db', db, 'runs', 'show', '999'], code: 2, stderr: /no run 999/ },
    { name: 'runs list, bad limit', args: () => ['--db', db, 'runs', 'list', '--limit', '0'], code: 2 },
    { name: 'approvals show, bad id', args: () => ['--db', db, 'approvals', 'show', '0'], code: 2 },
    { name: 'approvals show, unknown id', args: () => ['--db', db, 'approvals', 'show', '42'], code: 2 },
    { name: 'run, unknown agent', args: () => ['--db', db, 'run', 'nobody'], code: 2 },
    { name: 'review, bad address', args: () => ['review', 'not-an-address'], code: 2, stderr: /is not a Solana address/ },
    { name: 'policy check deny', args: () => ['policy', 'check', '--policy', policy, '--action', action('30000')], code: 3 },
    {
      name: 'policy check, amount " 5"',
      args: () => ['policy', 'check', '--policy', policy, '--action', action(' 5')],
      code: 3,
      stdout: /amount must not have spaces around it, got " 5"/,
    },
    {
      name: 'policy check, amount "00005"',
      args: () => ['policy', 'check', '--policy', policy, '--action', action('00005')],
      code: 3,
      stdout: /superfluous leading zeros, got "00005"/,
    },
    {
      name: 'policy check, amount "+5"',
      args: () => ['policy', 'check', '--policy', policy, '--action', action('+5')],
      code: 3,
      stdout: /must not carry a sign/,
    },
    {
      name: 'policy check, missing policy file',
      args: () => ['policy', 'check', '--policy', join(work, 'none.yaml'), '--action', action('10')],
      code: 2,
      stderr: /cannot read the policy file/,
    },
    {
      name: 'policy check, alias bomb policy',
      args: () => ['policy', 'check', '--policy', file('bomb.yaml', ALIAS_BOMB), '--action', action('10')],
      code: 2,
      stderr: /bomb\.yaml:2:8 YAML resource limit: aliases expand past 100 nodes \(an alias bomb\?\)/,
    },
    {
      name: 'policy check, policy not UTF-8',
      args: () => ['policy', 'check', '--policy', file('latin1.yaml', NOT_UTF8), '--action', action('10')],
      code: 2,
      stderr: /latin1\.yaml:2:17: invalid UTF-8 at byte 31/,
    },
    {
      name: 'policy check, action not UTF-8',
      args: () => ['policy', 'check', '--policy', policy, '--action', file('latin1.json', Buffer.from([0x7b, 0xff, 0x7d]))],
      code: 2,
      stderr: /latin1\.json:1:2: invalid UTF-8 at byte 1/,
    },
    {
      name: 'policy check, action not JSON',
      args: () => ['policy', 'check', '--policy', policy, '--action', file('bad.json', '{')],
      code: 2,
    },
    {
      name: 'model info, missing model file',
      args: () => ['model', 'info', join(work, 'missing.gguf')],
      code: 2,
      stderr: /missing\.gguf is not a readable GGUF model file/,
    },
    {
      name: 'model info, not a model file',
      args: () => ['model', 'info', file('junk.gguf', 'not a model')],
      code: 2,
      stderr: /MODEL_FILE_INVALID/,
    },
  ];

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const result = await runCli(c.args());
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(c.code);
    if (c.stderr) expect(result.stderr).toMatch(c.stderr);
    if (c.stdout) expect(result.stdout).toMatch(c.stdout);
    expect(result.stderr).not.toContain('INTERNAL');
  });
});

describe('config files at their limits', () => {
  it('validate reports an alias bomb and invalid UTF-8 at file:line, exit 2, and still checks the other files', async () => {
    const config = tempTree({
      'policies/bomb.yaml': ALIAS_BOMB,
      'policies/treasury.yaml': '',
      'agents/broken.yaml': 'name: broken\ntasks: [treasury]\npolicy: nowhere\nextra: 1\n',
    });
    writeFileSync(join(config, 'policies/treasury.yaml'), NOT_UTF8);
    const result = await runCli(['--config', config, 'validate']);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain('INTERNAL');
    expect(result.stderr).toMatch(/policies\/bomb\.yaml:2:8 +YAML resource limit: aliases expand past 100 nodes/);
    expect(result.stderr).toMatch(/policies\/treasury\.yaml:2:17 +invalid UTF-8 at byte 31: the file must be UTF-8 text/);
    // The agent file after them was still read and judged.
    expect(result.stderr).toMatch(/agents\/broken\.yaml:4:1 extra: unknown key/);
  });
});

describe('a closed stdout', () => {
  it('ends the command quietly: no EPIPE, no stack trace', async () => {
    const child = spawn(process.execPath, [join(root, 'bin/steward.js'), 'policy', 'schema'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, STEWARD_LOG_LEVEL: 'error' },
    });
    child.stdout.destroy(); // the reader went away before the first byte (`| head -0`)
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  }, 180_000);
});
