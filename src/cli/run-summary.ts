// The few lines `run` and `start` print after each run of an agent.
import type { RunResult } from '../agent/run-agent.js';
import { terminalText } from '../shared/index.js';

/** One line per run, then counts of actions by outcome, the reviews and where the report is. */
export function summarizeRun(result: RunResult, reportPath: string): string[] {
  const lines = [
    `run ${result.runId} of ${result.agent}: ${result.status}${result.error ? ` — ${terminalText(result.error)}` : ''} (${result.mode}, ${result.cluster})`,
  ];
  const count = (state: string) => result.actions.filter((action) => action.state === state).length;
  if (result.actions.length > 0) {
    lines.push(
      `  actions: ${result.actions.length} proposed, ${result.actions.filter((a) => a.verdict === 'deny').length} denied, ${count('pending-approval')} awaiting approval, ${count('confirmed')} confirmed, ${count('dry-run')} dry-run`,
    );
  }
  if (result.reviews.length > 0) lines.push(`  reviews: ${result.reviews.length} proposal(s)`);
  lines.push(`  report: ${reportPath}`);
  return lines;
}
