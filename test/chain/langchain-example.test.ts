// The example a LangChain user would write (examples/langchain-agent.ts) in its own process,
// importing `steward/langchain` through the package's exports, with the generated random-weights
// model choosing the tool calls and the embedded demo chain as the treasury. Whatever it called,
// the journal shows a finished `langchain` run and nothing executed that the policy did not allow.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { demoKeypair } from '../../src/demo/index.js';
import { writeTestModel } from '../../src/llm/index.js';
import { runNodeProcess } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const root = resolve(import.meta.dirname, '../..');

function runExample(env: Record<string, string>) {
  return runNodeProcess(
    ['--no-allocation-site-pretenuring', '--import', 'tsx', 'examples/langchain-agent.ts', 'Pay the grantee 5,000 USDC.'],
    {
      env: { STEWARD_RPC_URL: '', STEWARD_OPENAI_BASE_URL: '', ...env },
      timeoutMs: 170_000,
    },
  );
}

describe('examples/langchain-agent.ts', () => {
  it('runs as a user would run it: its own process, steward/langchain from the package exports, a local model calling the tools', async () => {
    const dir = tempDir('steward-langchain-example-');
    // The generated model's tokens are bytes: the tools' descriptions and two tool answers already
    // pass 4,096 tokens, where node-llama-cpp cannot shift the context (about one run in five
    // failed so). A model file declaring a 16,384-token context, and the example told to use it.
    const model = join(dir, 'model.gguf');
    writeTestModel(model, { seed: 5, contextLength: 16_384 });
    const db = join(dir, 'steward.db');
    // The agent file names its key by STEWARD_KEYPAIR: the demo agent key (public seed, demo chain only).
    const keypair = join(dir, 'agent.json');
    writeFileSync(keypair, JSON.stringify(Array.from(demoKeypair('agent').secretKey)), { mode: 0o600 });
    const { code, stdout, stderr } = await runExample({
      STEWARD_DB: db,
      STEWARD_MODEL: model,
      STEWARD_CONFIG_DIR: root,
      STEWARD_KEYPAIR: keypair,
      STEWARD_CONTEXT_SIZE: '16384',
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const runLine = stdout.split('\n').find((line) => line.startsWith('run '));
    expect(runLine).toMatch(/^run \d+: \d+ action\(s\) proposed/);

    const journal = new Database(db, { readonly: true });
    try {
      const run = journal.prepare("SELECT trigger, status, finished_at FROM runs WHERE trigger = 'langchain'").get() as {
        trigger: string;
        status: string;
        finished_at: string | null;
      };
      expect(run).toMatchObject({ trigger: 'langchain', status: 'ok' });
      expect(run.finished_at).not.toBeNull();
      expect(journal.prepare("SELECT COUNT(*) FROM actions WHERE state = 'confirmed' AND verdict != 'allow'").pluck().get()).toBe(0);
      expect(
        journal
          .prepare("SELECT COUNT(*) FROM actions WHERE state IN ('approved', 'built', 'simulated', 'effects-checked', 'signed', 'sent')")
          .pluck()
          .get(),
      ).toBe(0);
    } finally {
      journal.close();
    }
  }, 180_000);
});
