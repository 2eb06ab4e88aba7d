// Parses one YAML file and validates it against a zod schema, mapping every YAML and zod
// issue back to the file's line and column through the yaml library's source ranges.
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { describeValue } from '../shared/amount.js';
import { formatPath, type ConfigProblem } from './problems.js';

/** Resource limits for a config file: no real agent or policy comes near them. */
export const MAX_CONFIG_CHARS = 1024 * 1024;
export const MAX_ALIAS_COUNT = 100;

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; problems: ConfigProblem[] };

type Position = { line: number; column: number };

function positionOf(lineCounter: LineCounter, offset: number | undefined): Position {
  if (offset === undefined) return { line: 1, column: 1 };
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

/** The node at `path`, or the deepest existing ancestor when the path does not exist. */
function nodeAt(doc: Document, path: readonly PropertyKey[]): { node: Node | null; exact: boolean } {
  let current: unknown = doc.contents;
  for (let index = 0; index < path.length; index += 1) {
    const segment = path[index];
    const next =
      current && typeof current === 'object' && 'get' in current
        ? (current as { get(key: unknown, keepScalar: boolean): unknown }).get(segment, true)
        : undefined;
    if (next === undefined) return { node: current as Node | null, exact: false };
    current = next;
  }
  return { node: current as Node | null, exact: true };
}

/** The key node of `key` inside the map at `path`, to point an "unknown key" error at the key itself. */
function keyNodeAt(doc: Document, path: readonly PropertyKey[], key: string): Node | null {
  const { node } = nodeAt(doc, path);
  if (!isMap(node)) return node;
  const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === key);
  return pair && isScalar(pair.key) ? pair.key : node;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

function describeIssue(issue: z.core.$ZodIssue, found: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      if (found === undefined) return `required field is missing (expected ${issue.expected})`;
      return issue.message.startsWith('expected') && !issue.message.startsWith('Invalid')
        ? `${issue.message}, got ${describeValue(found)}`
        : `expected ${issue.expected}, got ${describeValue(found)}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}, got ${describeValue(found)}`;
    case 'too_small':
    case 'too_big':
    case 'invalid_format':
    case 'custom':
    case 'invalid_union':
    case 'not_multiple_of':
    case 'invalid_key':
    case 'invalid_element':
      if (found === undefined) return `required field is missing (${lowerFirst(issue.message)})`;
      return `${lowerFirst(issue.message)}, got ${describeValue(found)}`;
    case 'unrecognized_keys':
      return `unknown key`;
    default:
      return issue satisfies never;
  }
}

function lowerFirst(text: string): string {
  return text.startsWith('Invalid') || text.startsWith('Too') ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

/**
 * Parses `text` (the contents of `file`) and validates it. Returns the parsed value, or every
 * problem found: YAML syntax errors, duplicate keys, an empty file, wrong types, unknown keys,
 * missing fields. `file` is used as given in messages (pass a path relative to the config root).
 */
export function validateYaml<S extends z.ZodType>(file: string, text: string, schema: S): ValidationResult<z.output<S>> {
  if (text.length > MAX_CONFIG_CHARS) {
    return {
      ok: false,
      problems: [
        {
          file,
          line: 1,
          column: 1,
          path: '',
          message: `YAML resource limit: the file has ${text.length} characters, more than the ${MAX_CONFIG_CHARS} a config file may have`,
        },
      ],
    };
  }
  const lineCounter = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  } catch (error) {
    return {
      ok: false,
      problems: [
        { file, line: 1, column: 1, path: '', message: `YAML resource limit: the file cannot be parsed (${(error as Error).message})` },
      ],
    };
  }
  const problems: ConfigProblem[] = [];

  for (const error of doc.errors) {
    const message =
      error.code === 'DUPLICATE_KEY'
        ? 'duplicate key: each key may appear only once in a mapping'
        : `YAML syntax error: ${error.message.split('\n')[0]}`;
    problems.push({ file, ...positionOf(lineCounter, error.pos[0]), path: '', message });
  }
  // Duplicate keys leave a usable document: keep validating so every problem is reported at once.
  if (doc.errors.some((error) => error.code !== 'DUPLICATE_KEY')) return { ok: false, problems };

  if (doc.contents === null) {
    return { ok: false, problems: [{ file, line: 1, column: 1, path: '', message: 'the file is empty: expected a mapping of settings' }] };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // An alias bomb (aliases of aliases expanding exponentially) or a structure too deep.
    const alias = /(^|[\s[{,:-])\*[^\s,\]}]+/m.exec(text);
    const pos = alias ? positionOf(lineCounter, alias.index + alias[1]!.length) : { line: 1, column: 1 };
    const limit = /alias/i.test((error as Error).message)
      ? `aliases expand past ${MAX_ALIAS_COUNT} nodes (an alias bomb?)`
      : (error as Error).message;
    return { ok: false, problems: [{ file, ...pos, path: '', message: `YAML resource limit: ${limit}` }] };
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    const pos = positionOf(lineCounter, doc.contents.range?.[0]);
    return { ok: false, problems: [{ file, ...pos, path: '', message: `expected a mapping of settings, got ${describeValue(data)}` }] };
  }

  const result = schema.safeParse(data, { reportInput: true });
  if (result.success && problems.length === 0) return { ok: true, value: result.data };
  if (result.success) return { ok: false, problems };

  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const node = keyNodeAt(doc, issue.path, key);
        problems.push({
          file,
          ...positionOf(lineCounter, node?.range?.[0]),
          path: formatPath([...issue.path, key]),
          message: 'unknown key (check the spelling; see the JSON schema in schemas/ for the allowed keys)',
        });
      }
      continue;
    }
    const { node, exact } = nodeAt(doc, issue.path);
    const found = exact ? valueAt(data, issue.path) : undefined;
    problems.push({
      file,
      ...positionOf(lineCounter, node?.range?.[0]),
      path: formatPath(issue.path),
      message: describeIssue(issue, found),
    });
  }
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  return { ok: false, problems };
}
