import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createScheduler, type TickOutcome } from '../../src/scheduler/index.js';

// Croner schedules with setTimeout and reads the clock with Date: vitest's fake timers drive both,
// so these tests move time forward without sleeping.
describe('scheduler', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-03-01T00:00:00.000Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function deferred(): { promise: Promise<void>; resolve: () => void } {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => {
      resolve = r;
    });
    return { promise, resolve };
  }

  it('runs on the cron and skips (and reports) a tick while the previous run is still going', async () => {
    const ticks: TickOutcome[] = [];
    const gate = deferred();
    let runs = 0;
    const scheduler = createScheduler({
      agents: [{ name: 'guardian', cron: '*/10 * * * * *', timezone: 'UTC', jitterSeconds: 0 }],
      run: async () => {
        runs += 1;
        await gate.promise;
      },
      onTick: (tick) => ticks.push(tick),
    });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(runs).toBe(1);
    expect(scheduler.running()).toEqual(['guardian']);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(runs).toBe(1);
    expect(ticks.map((tick) => tick.kind)).toEqual(['started', 'skipped', 'skipped']);
    expect(ticks[1]).toMatchObject({ kind: 'skipped', reason: 'previous run still in progress' });
    gate.resolve();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(runs).toBe(2);
    await scheduler.stop();
  });

  it('computes next runs in the agent time zone', () => {
    const scheduler = createScheduler({
      agents: [
        { name: 'berlin', cron: '0 0 9 * * *', timezone: 'Europe/Berlin', jitterSeconds: 0 },
        { name: 'utc', cron: '0 0 9 * * *', timezone: 'UTC', jitterSeconds: 0 },
      ],
      run: async () => undefined,
    });
    const next = scheduler.nextRuns();
    expect(next.berlin?.toISOString()).toBe('2026-03-01T08:00:00.000Z'); // CET = UTC+1 in March before DST
    expect(next.utc?.toISOString()).toBe('2026-03-01T09:00:00.000Z');
  });

  it('delays a run by its jitter', async () => {
    let runs = 0;
    const scheduler = createScheduler({
      agents: [{ name: 'a', cron: '0 * * * * *', timezone: 'UTC', jitterSeconds: 30 }],
      run: async () => {
        runs += 1;
      },
      random: () => 0.5,
    });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(runs).toBe(0);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(runs).toBe(1);
    await scheduler.stop();
  });

  it('on shutdown starts nothing new, aborts running runs and waits for them', async () => {
    const seen: string[] = [];
    const scheduler = createScheduler({
      agents: [{ name: 'a', cron: '*/5 * * * * *', timezone: 'UTC', jitterSeconds: 0 }],
      run: (_agent, signal) =>
        new Promise<void>((resolve) => {
          signal.addEventListener('abort', () => {
            seen.push('aborted before signing');
            resolve();
          });
        }),
    });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(scheduler.running()).toEqual(['a']);
    await scheduler.stop();
    expect(seen).toEqual(['aborted before signing']);
    expect(scheduler.running()).toEqual([]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(seen).toHaveLength(1);
  });

  it('keeps scheduling after a run fails, reporting the error', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const scheduler = createScheduler({
      agents: [{ name: 'a', cron: '*/5 * * * * *', timezone: 'UTC', jitterSeconds: 0 }],
      run: async () => {
        runs += 1;
        throw new Error(`boom ${runs}`);
      },
      onError: (_agent, error) => errors.push(error),
    });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(runs).toBe(2);
    expect(errors.map((error) => (error as Error).message)).toEqual(['boom 1', 'boom 2']);
    await scheduler.stop();
  });
});
