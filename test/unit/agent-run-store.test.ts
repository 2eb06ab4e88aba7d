import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  finishRun,
  getRun,
  lastRun,
  listDecisions,
  listRuns,
  promptHash,
  recordModelDecision,
  recordSkippedRun,
  startRun,
} from '../../src/agent/run-store.js';
import { closeCrashLeftovers, openStore } from '../../src/store/index.js';
import { Keypair } from '@solana/web3.js';
import { encodeBase58 } from '../../src/shared/base58.js';

describe('run journal', () => {
  it('records a run with its phases, summary and decisions, and lists runs newest first', () => {
    using store = openStore(':memory:');
    const t0 = new Date('2026-11-25T10:00:00.000Z');
    const id = startRun(store.db, 'treasury-guardian', 'cli', t0);
    expect(getRun(store.db, id)).toMatchObject({ status: 'running', finishedAt: null, phases: [] });
    const prompt = { system: 'rules', user: 'figures' };
    recordModelDecision(
      store.db,
      {
        runId: id,
        task: 'treasury',
        modelId: 'm.gguf',
        modelHash: 'ab',
        prompt,
        rawOutput: '{"x":1}',
        parsed: { x: 1 },
        attempts: 1,
        usage: { promptTokens: 10 },
        error: null,
      },
      t0,
    );
    finishRun(
      store.db,
      id,
      { status: 'ok', phases: [{ name: 'observe', ms: 12.5, ok: true }], summary: { trustedMicroUsd: 10n ** 20n } },
      new Date('2026-11-25T10:00:02.000Z'),
    );
    const run = getRun(store.db, id);
    expect(run).toMatchObject({
      status: 'ok',
      finishedAt: '2026-11-25T10:00:02.000Z',
      phases: [{ name: 'observe', ms: 12.5, ok: true }],
      summary: { trustedMicroUsd: '100000000000000000000' },
    });
    expect(listDecisions(store.db, id)).toEqual([
      expect.objectContaining({
        task: 'treasury',
        promptHash: promptHash(prompt),
        prompt,
        rawOutput: '{"x":1}',
        parsed: { x: 1 },
        attempts: 1,
        error: null,
      }),
    ]);
    const second = startRun(store.db, 'proposal-reviewer', 'cron', t0);
    expect(listRuns(store.db).map((row) => row.id)).toEqual([second, id]);
    expect(listRuns(store.db, { agent: 'treasury-guardian' }).map((row) => row.id)).toEqual([id]);
    expect(lastRun(store.db, 'treasury-guardian')?.id).toBe(id);
  });

  it('stores the prompt, the raw output and the parsed answer of a decision with their secrets redacted', () => {
    using store = openStore(':memory:');
    const t0 = new Date('2026-11-25T10:00:00.000Z');
    const id = startRun(store.db, 'treasury-guardian', 'cli', t0);
    const leaked = Keypair.generate();
    const secretKey = encodeBase58(leaked.secretKey);
    const bytes = JSON.stringify([...leaked.secretKey]);
    // A proposal that carries a key and an RPC URL with a password; the model repeats them.
    const prompt = { system: 'rules', user: `proposal text: ${secretKey} via https://ops:hunter2@rpc.example.com/` };
    const rawOutput = `{"reason":"use ${secretKey} and ${bytes}"}`;
    recordModelDecision(
      store.db,
      {
        runId: id,
        task: 'treasury',
        modelId: 'm.gguf',
        modelHash: null,
        prompt,
        rawOutput,
        parsed: { reason: `use ${secretKey}` },
        attempts: 1,
        usage: {},
        error: null,
      },
      t0,
    );
    const [decision] = listDecisions(store.db, id);
    const stored = JSON.stringify(store.db.prepare('SELECT * FROM decisions').all());
    for (const secret of [secretKey, 'hunter2', bytes]) expect(stored).not.toContain(secret);
    expect(decision?.prompt).toEqual({ system: 'rules', user: expect.stringContaining('proposal text: [redacted] via https://') });
    expect(decision?.rawOutput).toBe('{"reason":"use [redacted] and [redacted]"}');
    expect(decision?.parsed).toEqual({ reason: 'use [redacted]' });
    // The hash still names the prompt the model was given.
    expect(decision?.promptHash).toBe(promptHash(prompt));
  });

  it('records skipped ticks; a run of a live process is never closed, one of a dead process is closed as abandoned', () => {
    using store = openStore(':memory:');
    const now = new Date('2026-11-25T10:00:00.000Z');
    const skipped = recordSkippedRun(store.db, 'a', 'previous run still in progress', now);
    const mine = startRun(store.db, 'a', 'cron', now);
    const done = startRun(store.db, 'b', 'cron', now);
    finishRun(store.db, done, { status: 'ok', phases: [] }, now);
    // A run of this (live) process stays running.
    expect(closeCrashLeftovers(store.db, new Date('2026-11-25T11:00:00.000Z')).runs).toEqual([]);
    expect(getRun(store.db, mine)?.status).toBe('running');
    // The same run as if a process that has exited had written it (a pid that no longer runs).
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    store.db.prepare('UPDATE runs SET pid = ? WHERE id = ?').run(Number(dead.stdout), mine);
    const closed = closeCrashLeftovers(store.db, new Date('2026-11-25T11:00:00.000Z'));
    expect(closed.runs.map((run) => run.id)).toEqual([mine]);
    expect(getRun(store.db, skipped)).toMatchObject({ status: 'skipped', error: 'previous run still in progress' });
    expect(getRun(store.db, mine)).toMatchObject({
      status: 'abandoned',
      error: expect.stringMatching(new RegExp(`^abandoned: process ${dead.stdout} on .+ stopped`)),
    });
    expect(getRun(store.db, done)?.status).toBe('ok');
    // Another host's run is never judged from here.
    const remote = startRun(store.db, 'c', 'cron', now);
    store.db.prepare("UPDATE runs SET host = 'another-host', pid = 1 WHERE id = ?").run(remote);
    expect(closeCrashLeftovers(store.db, now).runs).toEqual([]);
    expect(getRun(store.db, remote)?.status).toBe('running');
  });
});
