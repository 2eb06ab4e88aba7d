// Secrets never reach a sink. Each secret shape is planted where an operator could put it: a
// password in the RPC URL's user info, an API key in a query parameter named like one, a key in
// an opaque path segment, and keypair bytes (a JSON byte array, then a base58 secret key) in the
// agent's signer variable instead of a path. Steward runs in its own processes against the
// embedded chain; then every byte it wrote (database, WAL, reports, stdout, stderr with debug
// logs) is searched for each secret. The URL with credentials must work (they travel in an
// Authorization header), and what Steward writes is owner-only.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Keypair } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedChain, type RunningEmbeddedChain } from '../../src/chain/index.js';
import { encodeBase58 } from '../../src/shared/base58.js';
import { seedDemoDao } from '../../src/demo/index.js';
import { runCliProcess } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const root = resolve(import.meta.dirname, '../..');
let running: RunningEmbeddedChain;

beforeAll(async () => {
  running = await startEmbeddedChain();
  await seedDemoDao(running.chain);
});
afterAll(async () => {
  await running?.close();
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

describe('secrets at every sink', () => {
  it('plants each secret shape and finds none of them in anything Steward wrote', async () => {
    const work = tempDir('steward-secrets-');
    const state = join(work, 'state');
    const keypair = Keypair.generate();
    const byteList = `[${Array.from(keypair.secretKey).join(',')}]`;
    const base58Key = encodeBase58(keypair.secretKey);
    const port = new URL(running.url).port;
    const secrets = {
      password: 'PlantedPassw0rd-7731',
      queryKey: 'PlantedQueryKey5521',
      pathKey: 'plantedpathkey0123456789abcdef0123',
      byteList: byteList.slice(1, 40),
      base58Key,
    };
    const url = `http://operator:${secrets.password}@127.0.0.1:${port}/${secrets.pathKey}/?x-api-key=${secrets.queryKey}`;
    const env = {
      STEWARD_DB: join(state, 'db', 'steward.db'),
      STEWARD_REPORTS_DIR: join(state, 'reports'),
      STEWARD_CONFIG_DIR: root,
      STEWARD_LOG_LEVEL: 'debug',
      STEWARD_MODEL: '',
      STEWARD_MODELS_DIR: join(work, 'models'),
      STEWARD_OPENAI_BASE_URL: '',
      STEWARD_KEYPAIR: '',
    };

    const [observed, withBytes, withBase58] = await Promise.all([
      runCliProcess(['observe', '--url', url], { env, timeoutMs: 170_000 }),
      runCliProcess(['run', 'treasury-guardian', '--dry-run', '--url', url], {
        env: { ...env, STEWARD_KEYPAIR: byteList },
        timeoutMs: 170_000,
      }),
      runCliProcess(['allowance', '--url', url], { env: { ...env, STEWARD_KEYPAIR: base58Key }, timeoutMs: 170_000 }),
    ]);
    // The URL with credentials works: the observation was read and saved.
    expect(observed.code, observed.stderr).toBe(0);
    expect(observed.stdout).toMatch(/Saved as observation #\d+/);
    expect(observed.stdout).toContain('[redacted]');
    // Key material where a path belongs: refused as bad input, without echoing it.
    expect(withBytes.code, withBytes.stderr).toBe(2);
    expect(withBytes.stderr).toContain('"code":"KEYPAIR_INVALID","msg":"$STEWARD_KEYPAIR must name a keypair file');
    expect(withBytes.stdout).toMatch(/run 1 of treasury-guardian: failed/);
    expect(withBase58.code, withBase58.stderr).toBe(2);
    expect(withBase58.stderr).toContain('it looks like key material, so it is not shown');

    const written = filesUnder(state);
    expect(written.some((file) => file.endsWith('steward.db'))).toBe(true);
    const sinks: [string, string][] = [
      ...written.map((file): [string, string] => [file, readFileSync(file).toString('latin1')]),
      ...[observed, withBytes, withBase58].flatMap((out, index): [string, string][] => [
        [`stdout of process ${index}`, out.stdout],
        [`stderr of process ${index}`, out.stderr],
      ]),
    ];
    for (const [sink, bytes] of sinks) {
      for (const [shape, secret] of Object.entries(secrets)) expect(bytes.includes(secret), `${shape} found in ${sink}`).toBe(false);
    }

    // Owner-only: folders 0700, files 0600 (the WAL and SHM take the database's mode).
    for (const file of written) expect((statSync(file).mode & 0o777).toString(8), file).toBe('600');
    for (const dir of [join(state, 'db'), ...(existsSync(join(state, 'reports')) ? [join(state, 'reports')] : [])]) {
      expect((statSync(dir).mode & 0o777).toString(8), dir).toBe('700');
    }
  }, 200_000);
});
