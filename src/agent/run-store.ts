// The journal of agent runs: one row per run with its phases and timings, and one row per
// model decision with everything needed to reproduce or audit it.
import { createHash } from 'node:crypto';
import { currentProcess, redact, redactText } from '../shared/index.js';
import { statement, type Db } from '../store/index.js';

export type RunStatus = 'running' | 'ok' | 'failed' | 'skipped' | 'abandoned';
export type RunTrigger = 'cron' | 'cli' | 'approval' | 'demo' | 'langchain';

export interface PhaseRecord {
  name: string;
  ms: number;
  ok: boolean;
  detail?: string;
}

export interface RunRow {
  id: number;
  agent: string;
  trigger: RunTrigger;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
  phases: PhaseRecord[];
  reportPath: string | null;
  /** The Markdown report as written (null for runs recorded before reports were kept in the journal). */
  report: string | null;
  observationId: number | null;
  summary: Record<string, unknown> | null;
}

interface RawRun {
  id: number;
  agent: string;
  trigger: RunTrigger;
  status: RunStatus;
  started_at: string;
  finished_at: string | null;
  error: string | null;
  phases: string;
  report_path: string | null;
  report: string | null;
  observation_id: number | null;
  summary: string | null;
}

function toRow(raw: RawRun): RunRow {
  return {
    id: raw.id,
    agent: raw.agent,
    trigger: raw.trigger,
    status: raw.status,
    startedAt: raw.started_at,
    finishedAt: raw.finished_at,
    error: raw.error,
    phases: JSON.parse(raw.phases) as PhaseRecord[],
    reportPath: raw.report_path,
    report: raw.report,
    observationId: raw.observation_id,
    summary: raw.summary ? (JSON.parse(raw.summary) as Record<string, unknown>) : null,
  };
}

export function startRun(db: Db, agent: string, trigger: RunTrigger, now: Date): number {
  const me = currentProcess();
  const result = statement(
    db,
    "INSERT INTO runs (agent, trigger, status, started_at, pid, host, process_started) VALUES (?, ?, 'running', ?, ?, ?, ?)",
  ).run(agent, trigger, now.toISOString(), me.pid, me.host, me.started);
  return Number(result.lastInsertRowid);
}

/** A tick the scheduler skipped (overlap or shutdown) is recorded as a finished, skipped run. */
export function recordSkippedRun(db: Db, agent: string, reason: string, now: Date): number {
  const result = statement(
    db,
    "INSERT INTO runs (agent, trigger, status, started_at, finished_at, error) VALUES (?, 'cron', 'skipped', ?, ?, ?)",
  ).run(agent, now.toISOString(), now.toISOString(), redactText(reason));
  return Number(result.lastInsertRowid);
}

export function finishRun(
  db: Db,
  id: number,
  outcome: {
    status: Exclude<RunStatus, 'running'>;
    phases: readonly PhaseRecord[];
    error?: string | null;
    reportPath?: string | null;
    observationId?: number | null;
    summary?: Record<string, unknown>;
  },
  now: Date,
): void {
  statement(
    db,
    'UPDATE runs SET status = ?, finished_at = ?, error = ?, phases = ?, report_path = ?, observation_id = ?, summary = ? WHERE id = ?',
  ).run(
    outcome.status,
    now.toISOString(),
    outcome.error ? redactText(outcome.error) : null,
    redactText(JSON.stringify(outcome.phases)),
    outcome.reportPath ?? null,
    outcome.observationId ?? null,
    outcome.summary
      ? JSON.stringify(outcome.summary, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))
      : null,
    id,
  );
}

export function setRunReport(db: Db, id: number, reportPath: string, report: string): void {
  statement(db, 'UPDATE runs SET report_path = ?, report = ? WHERE id = ?').run(reportPath, report, id);
}

export function getRun(db: Db, id: number): RunRow | undefined {
  const raw = statement(db, 'SELECT * FROM runs WHERE id = ?').get(id) as RawRun | undefined;
  return raw ? toRow(raw) : undefined;
}

export function listRuns(db: Db, options: { agent?: string; limit?: number } = {}): RunRow[] {
  const limit = options.limit ?? 20;
  const rows = options.agent
    ? (statement(db, 'SELECT * FROM runs WHERE agent = ? ORDER BY id DESC LIMIT ?').all(options.agent, limit) as RawRun[])
    : (statement(db, 'SELECT * FROM runs ORDER BY id DESC LIMIT ?').all(limit) as RawRun[]);
  return rows.map(toRow);
}

export function lastRun(db: Db, agent: string): RunRow | undefined {
  return listRuns(db, { agent, limit: 1 })[0];
}

export interface DecisionRecord {
  runId: number;
  task: string;
  modelId: string;
  modelHash: string | null;
  prompt: unknown;
  rawOutput: string | null;
  parsed: unknown;
  attempts: number;
  usage: Record<string, unknown>;
  error: string | null;
}

export function promptHash(prompt: unknown): string {
  return createHash('sha256').update(JSON.stringify(prompt)).digest('hex');
}

export function recordModelDecision(db: Db, record: DecisionRecord, now: Date): number {
  const result = statement(
    db,
    `INSERT INTO decisions (run_id, task, model_id, model_hash, prompt_hash, prompt, raw_output, parsed, attempts, usage, error, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    record.runId,
    record.task,
    redactText(record.modelId),
    record.modelHash,
    // The hash names the exact prompt the model saw; what is stored has its secrets redacted (a
    // proposal or a config value can carry a key; the model can repeat it).
    promptHash(record.prompt),
    JSON.stringify(redact(record.prompt)),
    record.rawOutput === null ? null : redactText(record.rawOutput),
    record.parsed === undefined ? null : JSON.stringify(redact(record.parsed)),
    record.attempts,
    JSON.stringify(record.usage),
    record.error === null ? null : redactText(record.error),
    now.toISOString(),
  );
  return Number(result.lastInsertRowid);
}

export function listDecisions(db: Db, runId: number): (DecisionRecord & { id: number; promptHash: string })[] {
  const rows = statement(db, 'SELECT * FROM decisions WHERE run_id = ? ORDER BY id').all(runId) as {
    id: number;
    run_id: number;
    task: string;
    model_id: string;
    model_hash: string | null;
    prompt_hash: string;
    prompt: string;
    raw_output: string | null;
    parsed: string | null;
    attempts: number;
    usage: string;
    error: string | null;
  }[];
  return rows.map((row) => ({
    id: row.id,
    runId: row.run_id,
    task: row.task,
    modelId: row.model_id,
    modelHash: row.model_hash,
    promptHash: row.prompt_hash,
    prompt: JSON.parse(row.prompt) as unknown,
    rawOutput: row.raw_output,
    parsed: row.parsed === null ? null : (JSON.parse(row.parsed) as unknown),
    attempts: row.attempts,
    usage: JSON.parse(row.usage) as Record<string, unknown>,
    error: row.error,
  }));
}
