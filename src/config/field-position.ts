// Where a field sits in a config file, for problems found after parsing (a keypair file that is
// missing, a model file that is not GGUF): the same file:line:column a schema problem gets.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';

/**
 * Line and column of the value at `path` in the YAML file `file` (relative to the working
 * directory, as LoadedFile.file is), or of its deepest existing parent; 1:1 when unreadable.
 */
export function fieldPosition(file: string, path: readonly (string | number)[]): { line: number; column: number } {
  try {
    const lineCounter = new LineCounter();
    const doc = parseDocument(readFileSync(resolve(file), 'utf8'), { lineCounter });
    let node: unknown = doc.contents;
    let offset = (node as { range?: [number] } | null)?.range?.[0];
    for (const segment of path) {
      const next =
        node && typeof node === 'object' && 'get' in node
          ? (node as { get(key: unknown, keep: boolean): unknown }).get(segment, true)
          : undefined;
      if (next === undefined) break;
      node = next;
      offset = (node as { range?: [number] }).range?.[0] ?? offset;
    }
    if (offset === undefined) return { line: 1, column: 1 };
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  } catch {
    return { line: 1, column: 1 };
  }
}
