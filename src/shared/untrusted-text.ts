// The output boundary for untrusted text: names and descriptions of proposals, model output,
// token metadata, RPC answers, config values and errors quoting any of them. Before such text
// reaches a terminal it is neutralised so it can never move the cursor, erase a line, set a
// window title, reorder characters (bidi overrides) or hide characters (zero-width): every such
// character is shown escaped (`\x1b`, `\u202e`), and a literal backslash is doubled so the
// escapes can never be forged. Before it reaches Markdown it is additionally escaped so it can
// never open a fence, heading, list, link, autolink, HTML tag or table cell. Before it reaches
// HTML (the console) it is neutralised the same way and then entity-escaped.
// `fromTerminalText` undoes `terminalText` exactly, so nothing is lost, only made visible.

/**
 * Characters that drive or fool a terminal: C0 and C1 controls, DEL, format characters (bidi
 * embeddings/overrides/isolates, zero-width space/joiners, BOM, soft hyphen, tag characters),
 * line/paragraph separators, and lone surrogates.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/gu;
const UNSAFE_OR_BACKSLASH = new RegExp(`\\\\|${UNSAFE.source}`, 'gu');
/** The same set, but keeping line feeds and tabs: for whole blocks of our own output. */
const UNSAFE_BUT_LAYOUT = new RegExp(`(?![\\n\\t])(?:${UNSAFE.source})`, 'gu');

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\' };

function escapeChar(char: string): string {
  const named = NAMED[char];
  if (named) return named;
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x100) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code < 0x10000) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\u{${code.toString(16)}}`;
}

/**
 * One line of untrusted text, safe to print on a terminal: unsafe characters (including line
 * breaks, which could forge a line of our own output) are shown as escapes, backslashes doubled.
 */
export function terminalText(text: unknown): string {
  return String(text).replace(UNSAFE_OR_BACKSLASH, escapeChar);
}

/**
 * Untrusted text spanning several lines (a proposal description): like `terminalText`, but
 * line feeds and tabs stay as they are.
 */
export function terminalBlock(text: unknown): string {
  return String(text).replace(new RegExp(`\\\\|${UNSAFE_BUT_LAYOUT.source}`, 'gu'), escapeChar);
}

/**
 * The last line of defence at the process's output streams: whatever a command prints, no
 * control character reaches the terminal. Line feeds and tabs stay; backslashes are left alone
 * (this does not know which text is untrusted, so it must not change JSON output's meaning;
 * a JSON string with `\u202e` in it still means the same string).
 */
export function neutraliseOutput(text: string): string {
  return text.replace(UNSAFE_BUT_LAYOUT, (char) => {
    const code = char.codePointAt(0) ?? 0;
    return code < 0x80 ? escapeChar(char) : `\\u${code < 0x10000 ? code.toString(16).padStart(4, '0') : `{${code.toString(16)}}`}`;
  });
}

const ESCAPE_SEQUENCE = /\\(?:x([0-9a-f]{2})|u\{([0-9a-f]+)\}|u([0-9a-f]{4})|([nrt\\]))/g;
const UNNAMED: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\' };

/** Inverse of `terminalText` (and of `terminalBlock`): the original string, exactly. */
export function fromTerminalText(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, (_match, hex?: string, astral?: string, bmp?: string, named?: string) => {
    if (named) return UNNAMED[named] ?? named;
    return String.fromCodePoint(Number.parseInt(hex ?? astral ?? bmp ?? '0', 16));
  });
}

/** ASCII punctuation that Markdown (CommonMark + GFM) gives a meaning inside a line. */
const MARKDOWN_SPECIAL = /[\\`*_[\]<>#|~&:@$!]/g;

/**
 * Untrusted text as inline Markdown (a list item, a paragraph, a table cell): neutralised as
 * for a terminal (one line, escapes visible), then every character that could start emphasis,
 * code, a link or autolink (`:` and `www.`), HTML, an entity, a table cell boundary or math is
 * backslash-escaped, as is a leading list or block marker. Rendered, it reads as the terminal
 * rendering; raw, it stays legible.
 */
export function markdownText(text: unknown): string {
  return terminalText(text)
    .replace(MARKDOWN_SPECIAL, (char) => `\\${char}`)
    .replace(/(w)(ww)\./gi, '$1$2\\.')
    .replace(/^(\s*)([-+=]|\d+(?=[.)]))/, (_match, space: string, marker: string) =>
      /\d/.test(marker) ? `${space}${marker}\\` : `${space}\\${marker}`,
    );
}

/**
 * Untrusted text shown verbatim in a fenced code block (several lines): controls neutralised
 * (line feeds kept), and a fence longer than any backtick run inside, so it cannot be closed.
 */
export function markdownFence(text: unknown, info = 'text'): string {
  const body = terminalBlock(text);
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${info}\n${body}\n${fence}`;
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Untrusted text as HTML text or an attribute value (quoted): neutralised as for a terminal (one
 * line; with `block`, line feeds and tabs kept, for a <pre>), then every character HTML gives a
 * meaning escaped, so it can never open a tag, end an attribute or start an entity.
 */
export function htmlText(text: unknown, options: { block?: boolean } = {}): string {
  return (options.block ? terminalBlock(text) : terminalText(text)).replace(/[&<>"']/g, (char) => HTML_ENTITIES[char] ?? char);
}
