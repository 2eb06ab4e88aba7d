// Preflight in real processes: a broken keypair or model path fails `validate` and `start` with
// exit 2 before any tick (and before the cluster is touched), naming the file and field, never
// printing key material; a cluster that does not answer fails `validate --chain`, `doctor` and
// `start` with exit 1 instead of "ok".
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoKeypair } from '../../src/demo/index.js';
import { ensureTestModel } from '../../src/llm/index.js';
import { openStore } from '../../src/store/index.js';
import { runCliProcess } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const root = resolve(import.meta.dirname, '../..');
const DEAD = 'http://127.0.0.1:1';

/** A config folder holding the shipped policy and one agent file, edited by `edit`. */
function configWith(edit: (agent: string) => string): string {
  const dir = tempDir('steward-preflight-');
  mkdirSync(join(dir, 'agents'));
  mkdirSync(join(dir, 'policies'));
  writeFileSync(join(dir, 'policies', 'treasury.yaml'), readFileSync(join(root, 'policies', 'treasury.yaml')));
  writeFileSync(join(dir, 'agents', 'treasury-guardian.yaml'), edit(readFileSync(join(root, 'agents', 'treasury-guardian.yaml'), 'utf8')));
  return dir;
}

describe('preflight', () => {
  it('a missing keypair file and a model file that is not GGUF fail validate and start (exit 2) before any tick, at their file:line', async () => {
    const work = tempDir('steward-preflight-work-');
    const notGguf = join(work, 'model.gguf');
    writeFileSync(notGguf, 'this is not a model');
    const config = configWith((text) =>
      text.replace(/signer:\n\s+env: STEWARD_KEYPAIR/, `signer: { keypair: ${join(work, 'missing.json')} }\nmodel: { local: ${notGguf} }`),
    );
    const env = { STEWARD_DB: join(work, 'steward.db'), STEWARD_KEYPAIR: '', STEWARD_MODEL: '' };

    const validate = await runCliProcess(['--config', config, '--url', DEAD, 'validate'], { env, cwd: work, timeoutMs: 170_000 });
    expect(validate.code).toBe(2);
    expect(validate.stderr).toMatch(
      /agents\/treasury-guardian\.yaml:\d+:\d+ signer\.keypair: cannot read the keypair file .*missing\.json .*ENOENT/,
    );
    expect(validate.stderr).toMatch(
      /agents\/treasury-guardian\.yaml:\d+:\d+ model\.local: .*model\.gguf is not a readable GGUF model file/,
    );

    const start = await runCliProcess(['--config', config, '--url', DEAD, 'start'], { env, cwd: work, timeoutMs: 170_000 });
    expect(start.code).toBe(2);
    expect(start.stderr).toContain('steward start refused: 2 problem(s) before the first tick');
    expect(start.stderr).toMatch(/signer\.keypair: cannot read the keypair file/);
    expect(start.stderr).not.toContain('cannot reach'); // files first: the cluster was not asked
    expect(start.stdout).not.toContain('next run');
    const store = openStore(join(work, 'steward.db'));
    try {
      expect(store.db.prepare('SELECT COUNT(*) FROM runs').pluck().get()).toBe(0);
    } finally {
      store.close();
    }
  }, 400_000);

  it('key material where a path belongs is refused without being echoed; a model file that is missing is named', async () => {
    const work = tempDir('steward-preflight-work-');
    const secret = JSON.stringify(Array.from(demoKeypair('agent').secretKey));
    const result = await runCliProcess(['--config', root, 'validate'], {
      env: { STEWARD_DB: join(work, 'steward.db'), STEWARD_KEYPAIR: secret, STEWARD_MODEL: join(work, 'nowhere.gguf') },
      cwd: work,
      timeoutMs: 170_000,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^STEWARD_KEYPAIR: \$STEWARD_KEYPAIR must name a keypair file, but holds something else/m);
    expect(result.stderr).toMatch(/^STEWARD_MODEL: model file .*nowhere\.gguf does not exist/m);
    expect(result.stdout + result.stderr).not.toContain(secret.slice(1, 40));
    // One problem per variable, however many agents read it.
    expect(result.stderr.match(/^STEWARD_KEYPAIR:/gm)).toHaveLength(1);
  }, 600_000);

  it('a cluster that does not answer is not "ok": validate --chain, doctor and start exit 1', async () => {
    const work = tempDir('steward-preflight-work-');
    const keyFile = join(work, 'agent.json');
    writeFileSync(keyFile, JSON.stringify(Array.from(demoKeypair('agent').secretKey)), { mode: 0o600 });
    const env = { STEWARD_DB: join(work, 'steward.db'), STEWARD_KEYPAIR: keyFile, STEWARD_MODEL: await ensureTestModel() };

    const validate = await runCliProcess(['--config', root, '--url', DEAD, 'validate', '--chain'], { env, cwd: work, timeoutMs: 170_000 });
    expect(validate.code, validate.stderr).toBe(1);
    expect(validate.stderr).toContain('cannot reach the cluster at http://127.0.0.1:1/');
    expect(validate.stdout).toMatch(/treasury-guardian: signer: \$STEWARD_KEYPAIR \(public key \w+\)/);

    const doctor = await runCliProcess(['--config', root, '--url', DEAD, 'doctor'], { env, cwd: work, timeoutMs: 170_000 });
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/^FAIL cluster\s+cannot reach the cluster at http:\/\/127\.0\.0\.1:1\//m);
    expect(doctor.stdout).not.toMatch(/^ok\s+cluster/m);

    const start = await runCliProcess(['--config', root, '--url', DEAD, 'start'], { env, cwd: work, timeoutMs: 170_000 });
    expect(start.code).toBe(1);
    expect(start.stderr).toContain('steward start refused');
    expect(start.stderr).toContain('cannot reach the cluster');
    expect(start.stdout).not.toContain('next run');
  }, 600_000);

  it('with no model, an autonomous agent on a real cluster is refused by name; validate on the embedded default says the test model stands in', async () => {
    const work = tempDir('steward-preflight-work-');
    const env = { STEWARD_DB: join(work, 'steward.db'), STEWARD_KEYPAIR: '', STEWARD_MODEL: '', STEWARD_RPC_URL: '' };
    const embedded = await runCliProcess(['--config', root, 'validate'], { env, cwd: work, timeoutMs: 170_000 });
    expect(embedded.code, embedded.stderr).toBe(0);
    expect(embedded.stdout).toContain(
      'treasury-guardian: model: none configured; runs on the embedded chain use the generated test model (random weights)',
    );
    const real = await runCliProcess(['--config', root, '--url', DEAD, 'validate'], { env, cwd: work, timeoutMs: 170_000 });
    expect(real.code).toBe(2);
    expect(real.stderr).toMatch(
      /name: agent "treasury-guardian" \(autonomous\) has no model configured; on http:\/\/127\.0\.0\.1:1\/ the generated test model \(random weights\) is refused/,
    );
  }, 600_000);
});
