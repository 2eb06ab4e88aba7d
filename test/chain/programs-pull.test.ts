// `steward programs pull` against a `steward localnet` that runs the real SPL Governance
// program: the file it writes is byte for byte the one the chain loaded (same sha256), read
// through the upgradeable loader's Program → ProgramData accounts past their header. Bad ids
// and non-BPF programs are refused with what and where.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex, spawnEmbeddedChain, type EmbeddedChainChild } from '../../src/chain/index.js';
import { runCli } from '../helpers/cli.js';
import { governanceProgram, NO_GOVERNANCE_PROGRAM } from '../helpers/programs.js';
import { tempDir } from '../helpers/tmp.js';

describe.skipIf(!governanceProgram)(`steward programs pull ${NO_GOVERNANCE_PROGRAM}`, () => {
  let chain: EmbeddedChainChild;
  beforeAll(async () => {
    chain = await spawnEmbeddedChain({ demo: false, programs: [{ id: governanceProgram!.id, path: governanceProgram!.path }] });
  });
  afterAll(async () => {
    await chain?.close();
  });

  it('writes the program the localnet runs, with the same sha256, and its provenance', async () => {
    const out = tempDir();
    const result = await runCli(['programs', 'pull', '--url', chain.url, '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    const expected = sha256Hex(readFileSync(governanceProgram!.path));
    const pulled = readFileSync(join(out, `${governanceProgram!.id}.so`));
    expect(sha256Hex(pulled)).toBe(expected);
    expect(result.stdout).toContain(`sha256 ${expected}`);
    const meta = JSON.parse(readFileSync(join(out, `${governanceProgram!.id}.json`), 'utf8')) as Record<string, unknown>;
    expect(meta).toMatchObject({
      programId: governanceProgram!.id,
      sha256: expected,
      bytes: pulled.length,
      loader: 'BPFLoaderUpgradeab1e11111111111111111111111',
    });
  });

  it('refuses a bad id (exit 2) and a program no BPF loader owns (exit 1), naming it', async () => {
    const bad = await runCli(['programs', 'pull', '--url', chain.url, '--out', tempDir(), 'not-a-key']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"not-a-key" is not a program id');
    const native = await runCli(['programs', 'pull', '--url', chain.url, '--out', tempDir(), '11111111111111111111111111111111']);
    expect(native.code).toBe(1);
    expect(native.stderr).toContain('program 11111111111111111111111111111111');
    expect(native.stderr).toContain('a loader Steward cannot read');
  });
});
