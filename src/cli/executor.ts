// The executor the CLI hands to agent runs. Until the execution engine is wired in, runs that
// reach an allowed action record it without signing anything.
import type { ActionExecutor } from '../agent/run-agent.js';
import type { Logger } from '../shared/index.js';

export function createExecutor(_logger: Logger): ActionExecutor | null {
  return null;
}
