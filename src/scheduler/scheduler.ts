// Runs each scheduled agent on its cron (croner), one run at a time per agent: a tick that
// arrives while the previous run is still going is skipped and reported, never queued. On
// shutdown no new run starts; running ones get an abort signal (a run that has not signed yet
// stops cleanly; one that has signed finishes, or is left to restart recovery) and are awaited.
import { Cron } from 'croner';

export interface ScheduledAgent {
  name: string;
  cron: string;
  timezone: string;
  jitterSeconds: number;
}

export type TickOutcome = { kind: 'started'; agent: string; at: Date } | { kind: 'skipped'; agent: string; at: Date; reason: string };

export interface SchedulerOptions {
  agents: readonly ScheduledAgent[];
  /** Runs one agent. It must honour `signal`: abort before signing when it fires. */
  run: (agent: string, signal: AbortSignal) => Promise<unknown>;
  /** Called for every tick: a run started, or a run skipped (overlap, shutting down). */
  onTick?: (outcome: TickOutcome) => void;
  /** Called when a run throws; the scheduler itself keeps going. */
  onError?: (agent: string, error: unknown) => void;
  /** Source of randomness for jitter, injectable for tests. */
  random?: () => number;
  now?: () => Date;
}

export interface Scheduler {
  start(): void;
  /** Next planned run of each agent (null when the schedule has no future run). */
  nextRuns(): Record<string, Date | null>;
  /** Agents whose run is in progress. */
  running(): string[];
  /** Stops all timers, aborts running runs and waits for them to settle. */
  stop(): Promise<void>;
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  const random = options.random ?? Math.random;
  const now = options.now ?? (() => new Date());
  const jobs = new Map<string, Cron>();
  const inFlight = new Map<string, { promise: Promise<void>; controller: AbortController }>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let stopping = false;

  const trigger = (agent: ScheduledAgent): void => {
    const at = now();
    if (stopping) {
      options.onTick?.({ kind: 'skipped', agent: agent.name, at, reason: 'shutting down' });
      return;
    }
    if (inFlight.has(agent.name)) {
      options.onTick?.({ kind: 'skipped', agent: agent.name, at, reason: 'previous run still in progress' });
      return;
    }
    const controller = new AbortController();
    const delayMs = Math.floor(random() * agent.jitterSeconds * 1000);
    const promise = (async () => {
      if (delayMs > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            timers.delete(timer);
            resolve();
          }, delayMs);
          timers.add(timer);
          controller.signal.addEventListener('abort', () => {
            clearTimeout(timer);
            timers.delete(timer);
            resolve();
          });
        });
        if (controller.signal.aborted) return;
      }
      options.onTick?.({ kind: 'started', agent: agent.name, at: now() });
      try {
        await options.run(agent.name, controller.signal);
      } catch (error) {
        options.onError?.(agent.name, error);
      }
    })().finally(() => inFlight.delete(agent.name));
    inFlight.set(agent.name, { promise, controller });
  };

  return {
    start() {
      for (const agent of options.agents) {
        if (jobs.has(agent.name)) continue;
        jobs.set(agent.name, new Cron(agent.cron, { timezone: agent.timezone, name: agent.name }, () => trigger(agent)));
      }
    },
    nextRuns() {
      const result: Record<string, Date | null> = {};
      for (const agent of options.agents) {
        const job = jobs.get(agent.name) ?? new Cron(agent.cron, { timezone: agent.timezone, paused: true });
        result[agent.name] = job.nextRun(now());
        if (!jobs.has(agent.name)) job.stop();
      }
      return result;
    },
    running() {
      return [...inFlight.keys()];
    },
    async stop() {
      stopping = true;
      for (const job of jobs.values()) job.stop();
      jobs.clear();
      for (const { controller } of inFlight.values()) controller.abort(new Error('scheduler stopping'));
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...inFlight.values()].map((entry) => entry.promise));
    },
  };
}
