// A config problem names the file, line, column, field path, what was found and what was
// expected: `policies/treasury.yaml:12:5 limits.perTx.tokens.USDC: expected a decimal string
// like "2500.00", got -5`. Validation collects all of them before reporting.

export interface ConfigProblem {
  file: string;
  line: number;
  column: number;
  /** Dotted field path, '' for the document itself. */
  path: string;
  message: string;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

export function formatProblem(problem: ConfigProblem): string {
  const where = `${problem.file}:${problem.line}:${problem.column}`;
  return problem.path ? `${where} ${problem.path}: ${problem.message}` : `${where} ${problem.message}`;
}
