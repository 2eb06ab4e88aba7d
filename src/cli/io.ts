// Where a command's output goes: stdout and stderr of this process, or a test's buffers.
// Kept apart from context.ts so that `steward --help` loads nothing heavy.
import { neutraliseOutput } from '../shared/untrusted-text.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** The process's streams. Whatever a command prints passes `neutraliseOutput` on its way out, so
 * no control character from untrusted text reaches a terminal even where a field was missed. */
export const defaultIo: CliIo = {
  stdout: (text) => process.stdout.write(neutraliseOutput(text.endsWith('\n') ? text : `${text}\n`)),
  stderr: (text) => process.stderr.write(neutraliseOutput(text.endsWith('\n') ? text : `${text}\n`)),
};
