// What every benchmark module shares: the Figure it reports (a number, its unit, its target and
// how it was measured), the options the runner passes, and small statistics helpers. Each
// module under bench/ exports `run(options) → Figure[]`; bench/run.ts prints them as one table.
import { readFileSync } from 'node:fs';
import { silentLogger } from '../src/shared/index.js';

export type BenchSize = 'full' | 'smoke';

export interface BenchOptions {
  /** `smoke` runs every measurement once with tiny counts (the test that keeps benches alive). */
  size: BenchSize;
  /** A GGUF file to measure besides the generated test model. */
  model?: string;
}

export interface Figure {
  /** Stable key, e.g. `overhead.runtime-ms`. */
  id: string;
  /** Which figure of issue #10 this belongs to, e.g. `1. Runtime overhead`. */
  group: string;
  /** What the number is, in words. */
  name: string;
  value: number | null;
  unit: string;
  /** The target as text (`≤ 50 ms`), when the issue sets one. */
  target?: string;
  /** Whether the target was met; null when no target applies to this measurement. */
  met?: boolean | null;
  /** How the number was measured: enough to reproduce it. */
  method: string;
  /**
   * The 1-minute load average while it was measured (when its measurement started and ended):
   * a figure taken at load 8 on 2 cores is not a figure for a quiet machine. bench/run.ts fills
   * in its module's window when a module does not measure it closer.
   */
  load?: { before: number; after: number };
  /** With `--repeat N`: `value` is the median of the N values, listed here with their spread. */
  repeats?: {
    values: (number | null)[];
    loads: ({ before: number; after: number } | null)[];
    min: number | null;
    max: number | null;
    spreadPct: number | null;
  };
  details?: Record<string, unknown>;
}

export type BenchModule = (options: BenchOptions) => Promise<Figure[]>;

export const logger = silentLogger;

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

export function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** min, max and (max − min) ÷ median of repeated values of one figure (nulls ignored). */
export function spread(values: readonly (number | null)[]): {
  min: number | null;
  max: number | null;
  median: number | null;
  spreadPct: number | null;
} {
  const numbers = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (numbers.length === 0) return { min: null, max: null, median: null, spreadPct: null };
  const min = Math.min(...numbers);
  const max = Math.max(...numbers);
  const mid = median(numbers);
  return { min, max, median: mid, spreadPct: mid === 0 ? null : round(((max - min) / Math.abs(mid)) * 100, 1) };
}

/** `met` for `value ≤ limit` / `value ≥ limit`; null when the value is missing. */
export function atMost(value: number | null, limit: number): boolean | null {
  return value === null || Number.isNaN(value) ? null : value <= limit;
}
export function atLeast(value: number | null, limit: number): boolean | null {
  return value === null || Number.isNaN(value) ? null : value >= limit;
}

/** A short label for a model file: the generated test model or the file's base name. */
export function modelLabel(path: string, generated: boolean): string {
  return generated ? 'generated test model' : (path.split('/').at(-1) ?? path);
}

/** Resident set size of this process in MiB, read from /proc where it is exact. */
export function rssMiB(): number {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    if (match) return Number(match[1]) / 1024;
  } catch {
    // not Linux: fall back to Node's figure
  }
  return process.memoryUsage.rss() / 2 ** 20;
}
