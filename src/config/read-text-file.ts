// Config and input files are UTF-8 text. A file that is not is refused with the line and column
// of the first invalid byte, instead of being decoded with U+FFFD in place of what was written.
import { readFileSync } from 'node:fs';

export type DecodedText = { ok: true; text: string } | { ok: false; line: number; column: number; offset: number };

/** Decodes `bytes` as UTF-8, or says where the first invalid sequence is. */
export function decodeUtf8(bytes: Uint8Array): DecodedText {
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    // Walk the lenient decoding: a U+FFFD not written as EF BF BD marks the first invalid byte.
    const lenient = new TextDecoder('utf-8').decode(bytes);
    let offset = 0;
    let line = 1;
    let column = 1;
    for (const char of lenient) {
      const encoded = Buffer.from(char, 'utf8');
      if (char === '\uFFFD' && !Buffer.from(bytes.subarray(offset, offset + 3)).equals(encoded)) return { ok: false, line, column, offset };
      offset += encoded.length;
      if (char === '\n') {
        line += 1;
        column = 1;
      } else column += 1;
    }
    return { ok: false, line, column, offset };
  }
}

/** Reads a UTF-8 text file; `problem` says where it is not UTF-8 (read errors are thrown as they are). */
export function readTextFile(
  path: string,
): { text: string; problem: null } | { text: null; problem: { line: number; column: number; message: string } } {
  const decoded = decodeUtf8(readFileSync(path));
  if (decoded.ok) return { text: decoded.text, problem: null };
  return {
    text: null,
    problem: {
      line: decoded.line,
      column: decoded.column,
      message: `invalid UTF-8 at byte ${decoded.offset}: the file must be UTF-8 text`,
    },
  };
}
