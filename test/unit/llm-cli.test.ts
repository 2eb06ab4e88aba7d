import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

describe('steward model', () => {
  it('make-test writes a model that info describes as loadable', async () => {
    const out = join(tempDir(), 'tiny.gguf');
    const made = await runCli(['model', 'make-test', '--out', out, '--seed', '3']);
    expect(made.code).toBe(0);
    const info = await runCli(['model', 'info', out]);
    expect(info.code).toBe(0);
    expect(info.stdout).toMatch(/architecture\s+llama/);
    expect(info.stdout).toMatch(/file type\s+0 \(F32\)/);
    expect(info.stdout).toMatch(/loadable\s+yes/);
  });

  it('exits 2 with a hint on bad input', async () => {
    const missing = await runCli(['model', 'info', join(tempDir(), 'none.gguf')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('error[MODEL_FILE_INVALID]');
    expect((await runCli(['model', 'make-test', '--out', 'x.gguf', '--seed', '-1'])).code).toBe(2);
    expect((await runCli(['model', 'pull', './local.gguf'])).stderr).toContain('not a URI');
  });
});
