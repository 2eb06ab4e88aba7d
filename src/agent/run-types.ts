// What one agent run returns and takes, shared by runAgent and the two tasks it runs
// (treasury-task.ts, proposals-task.ts), and the phase timer every step goes through.
import type { ReviewOutcome } from '../governance/index.js';
import type { TreasuryAnalysis, TreasurySnapshot } from '../treasury/index.js';
import type { PositionsAnalysis } from '../treasury/positions/index.js';
import { toStewardError } from '../errors/index.js';
import type { EffectiveMode } from './agent-runtime.js';
import type { ActionOutcome } from './fenced-action.js';
import type { PhaseRecord, RunStatus, RunTrigger } from './run-store.js';

export interface RunResult {
  runId: number;
  agent: string;
  status: Exclude<RunStatus, 'running' | 'skipped'>;
  mode: EffectiveMode;
  cluster: string;
  startedAt: string;
  phases: PhaseRecord[];
  error: string | null;
  /** Whose fault a failure was: 'input' (a bad file or setting: the CLI exits 2) or 'runtime' (exit 1). */
  errorKind: 'input' | 'runtime' | null;
  observationId: number | null;
  snapshot: TreasurySnapshot | null;
  analysis: TreasuryAnalysis | null;
  /** DeFi positions (lending, liquidity) found for the treasury owners, analyzed. */
  positions: PositionsAnalysis | null;
  assessment: string | null;
  model: { id: string; sha256: string | null } | null;
  actions: ActionOutcome[];
  reviews: ReviewOutcome[];
}

export interface RunOptions {
  trigger: RunTrigger;
  /** Forces dry-run whatever the agent's mode. */
  dryRun?: boolean;
  signal?: AbortSignal;
  /** Skip the model for proposal reviews (deterministic reviews only). */
  noModel?: boolean;
}

/** Times each step of a run and records it (failed steps too, with why), in the run's order. */
export class Phases {
  readonly records: PhaseRecord[] = [];
  async run<T>(name: string, work: () => Promise<T> | T): Promise<T> {
    const started = performance.now();
    try {
      const value = await work();
      this.records.push({ name, ms: round(performance.now() - started), ok: true });
      return value;
    } catch (error) {
      this.records.push({ name, ms: round(performance.now() - started), ok: false, detail: toStewardError(error).message });
      throw error;
    }
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
