// The README's first-hour walkthrough, run as written: the commands between the walkthrough
// markers of README.md are parsed from the file (so the README cannot drift from what works),
// run in order, each in its own process, from a folder that holds the repository's agents/,
// policies/ and examples/ as the operator's checkout does, and each must succeed.
import { existsSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliProcess } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const root = resolve(import.meta.dirname, '../..');

/** The command lines of the walkthrough block: `npx steward ARGS`, trailing `# comments` dropped. */
function walkthroughCommands(readme: string): string[][] {
  const block = /<!-- walkthrough:begin -->([\s\S]*?)<!-- walkthrough:end -->/.exec(readme);
  if (!block) throw new Error('README.md has no walkthrough:begin / walkthrough:end markers');
  const commands: string[][] = [];
  for (const line of block[1]!.split('\n')) {
    const text = line.replace(/\s+#.*$/, '').trim();
    if (!text.startsWith('npx steward ')) continue;
    // Plain words only: a quote or shell operator in the README would need a shell to mean the same.
    if (/["'`$|&;<>()\\]/.test(text)) throw new Error(`README walkthrough line needs a shell: ${text}`);
    commands.push(text.split(/\s+/).slice(2));
  }
  return commands;
}

describe('README walkthrough', () => {
  it('runs every command of the walkthrough block, in order, and each succeeds', async () => {
    const commands = walkthroughCommands(readFileSync(join(root, 'README.md'), 'utf8'));
    expect(commands.length).toBeGreaterThanOrEqual(5);
    const work = tempDir('steward-walkthrough-');
    for (const folder of ['agents', 'policies', 'examples']) symlinkSync(join(root, folder), join(work, folder));
    // The operator's own environment stays out: no key, model or cluster set.
    const env = {
      STEWARD_KEYPAIR: '',
      STEWARD_MODEL: '',
      STEWARD_RPC_URL: '',
      STEWARD_DB: '',
      STEWARD_CONFIG_DIR: '',
      STEWARD_REPORTS_DIR: '',
      STEWARD_MODELS_DIR: '',
    };
    const outputs: string[] = [];
    for (const args of commands) {
      const result = await runCliProcess(args, { cwd: work, env, timeoutMs: 240_000 });
      outputs.push(result.stdout);
      expect(result.code, `steward ${args.join(' ')}\n${result.stdout}\n${result.stderr}`).toBe(0);
    }
    // What the walkthrough promises along the way.
    const said = outputs.join('\n');
    expect(said).toContain('ok  policies/treasury.yaml');
    expect(said).toMatch(/run \d+ of treasury-guardian: ok \(dry-run/);
    expect(said).toMatch(/^cluster embedded chain [0-9a-f]{16}/m);
    expect(said).toMatch(/^ALLOW {2}transfer under policy "treasury"/m);
    expect(existsSync(join(work, '.steward', 'steward.chain.json'))).toBe(true);
    const key = join(work, '.steward', 'demo-agent.json');
    expect(statSync(key).mode & 0o777).toBe(0o600);
  }, 1_500_000);
});
