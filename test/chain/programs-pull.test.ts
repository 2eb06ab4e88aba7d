// `steward programs pull` against a `steward localnet` that runs the real SPL Governance
// program: the file it writes is byte for byte the one the chain loaded (same sha256), read
// through the upgradeable loader's Program → ProgramData accounts past their header. Bad ids
// and non-BPF programs are refused with what and where. With no ids it pulls every program
// Steward knows (SPL Governance and Squads v4), and one that fails is named while the others
// are still written.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex, spawnEmbeddedChain, SQUADS_V4_PROGRAM_ID, type EmbeddedChainChild } from '../../src/chain/index.js';
import { runCli } from '../helpers/cli.js';
import { governanceProgram, NO_GOVERNANCE_PROGRAM, NO_SQUADS_PROGRAM, squadsProgram } from '../helpers/programs.js';
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
    const result = await runCli(['programs', 'pull', '--url', chain.url, '--out', out, governanceProgram!.id]);
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

describe.skipIf(!governanceProgram)(`steward programs pull with no ids ${NO_GOVERNANCE_PROGRAM}`, () => {
  it('pulls every known program it can, names the one the chain lacks, and exits 1', async () => {
    // This chain runs SPL Governance only (--program; the search that would add Squads v4 turned off).
    const saved = process.env['STEWARD_PROGRAMS_DIR'];
    process.env['STEWARD_PROGRAMS_DIR'] = 'none';
    const chain = await spawnEmbeddedChain({
      demo: false,
      programs: [{ id: governanceProgram!.id, path: governanceProgram!.path }],
    }).finally(() => {
      if (saved === undefined) delete process.env['STEWARD_PROGRAMS_DIR'];
      else process.env['STEWARD_PROGRAMS_DIR'] = saved;
    });
    try {
      const out = tempDir();
      const result = await runCli(['programs', 'pull', '--url', chain.url, '--out', out]);
      expect(result.code).toBe(1);
      const expected = sha256Hex(readFileSync(governanceProgram!.path));
      expect(sha256Hex(readFileSync(join(out, `${governanceProgram!.id}.so`)))).toBe(expected);
      expect(result.stdout).toContain(`SPL Governance ${governanceProgram!.id}: `);
      expect(result.stderr).toContain(`Squads v4 ${SQUADS_V4_PROGRAM_ID}: NOT pulled: program ${SQUADS_V4_PROGRAM_ID} does not exist`);
      expect(result.stderr).toContain(`1 of 2 program(s) not pulled: Squads v4 ${SQUADS_V4_PROGRAM_ID}`);
      expect(existsSync(join(out, `${SQUADS_V4_PROGRAM_ID}.so`))).toBe(false);
    } finally {
      await chain.close();
    }
  }, 60_000);
});

describe.skipIf(!governanceProgram || !squadsProgram)(
  `steward programs pull with no ids ${NO_GOVERNANCE_PROGRAM} ${NO_SQUADS_PROGRAM}`,
  () => {
    it('pulls SPL Governance and Squads v4 from a localnet that runs both, each with the fixture sha256', async () => {
      const chain = await spawnEmbeddedChain({
        demo: false,
        programs: [governanceProgram!, squadsProgram!].map(({ id, path }) => ({ id, path })),
      });
      try {
        const out = tempDir();
        const result = await runCli(['programs', 'pull', '--url', chain.url, '--out', out]);
        expect(result.code, result.stderr).toBe(0);
        for (const loaded of [governanceProgram!, squadsProgram!]) {
          const expected = sha256Hex(readFileSync(loaded.path));
          // The fixtures' README (../shared/programs) publishes each file's sha256: the pulled file must be that file.
          const readme = join(dirname(loaded.path), 'README.md');
          if (existsSync(readme)) expect(readFileSync(readme, 'utf8'), `${loaded.id} in ${readme}`).toContain(expected);
          expect(sha256Hex(readFileSync(join(out, `${loaded.id}.so`))), loaded.id).toBe(expected);
          expect(result.stdout).toContain(`${loaded.id}: ${readFileSync(loaded.path).length} bytes, sha256 ${expected}`);
          const meta = JSON.parse(readFileSync(join(out, `${loaded.id}.json`), 'utf8')) as Record<string, unknown>;
          expect(meta).toMatchObject({ programId: loaded.id, sha256: expected });
        }
      } finally {
        await chain.close();
      }
    }, 60_000);
  },
);
