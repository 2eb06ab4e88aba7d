// Durations as policy and agent files write them ("30s", "90m", "24h", "7d"), in milliseconds.
// The text is validated by the config schema (durationString) before it gets here.

/** Milliseconds in a duration like "24h"; the unit is the last character (s, m, h, d). */
export function durationMs(text: string): number {
  const value = Number.parseInt(text, 10);
  const unit = text.at(-1);
  const scale = unit === 's' ? 1_000 : unit === 'm' ? 60_000 : unit === 'h' ? 3_600_000 : 86_400_000;
  return value * scale;
}
