import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromTerminalText, markdownFence, markdownText, neutraliseOutput, terminalBlock, terminalText } from '../../src/shared/index.js';

// Anything a terminal would act on or that hides/reorders text.
const CONTROL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;
const CONTROL_BUT_LAYOUT = /(?![\n\t])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

/** What CommonMark shows for a run of inline text: a backslash before ASCII punctuation escapes it. */
function renderInline(markdown: string): string {
  return markdown.replace(/\\([!-/:-@[-`{-~])/g, '$1');
}

const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({
    unit: fc.constantFrom(
      '\x1b',
      '[',
      '2',
      'J',
      '\\',
      'x',
      '1',
      'b',
      '\u202e',
      '\u200b',
      '\r',
      '\n',
      '|',
      '`',
      '#',
      ':',
      'w',
      '.',
      '<',
      'a',
      ' ',
      '\u0085',
      '\ud800',
    ),
    maxLength: 40,
  }),
);

describe('untrusted text at the output boundary', () => {
  it('shows the attack of the issue escaped, on one line', () => {
    const reason = 'monthly\x1b[1A\x1b[2K\r  what:       15 USDC -> trusted grantee';
    expect(terminalText(reason)).toBe('monthly\\x1b[1A\\x1b[2K\\r  what:       15 USDC -> trusted grantee');
    expect(terminalText('a\u202eb\u200bc\u2066d')).toBe('a\\u202eb\\u200bc\\u2066d');
    expect(terminalText('title\x1b]0;pwned\x07')).toBe('title\\x1b]0;pwned\\x07');
    expect(terminalText('C1 \u009b31m')).toBe('C1 \\x9b31m');
    expect(terminalText('tag \u{e0041}')).toBe('tag \\u{e0041}');
  });

  it('doubles a literal backslash so an escape can never be forged', () => {
    expect(terminalText('\\x1b')).toBe('\\\\x1b');
    expect(terminalText('\x1b')).toBe('\\x1b');
    expect(terminalText('\\x1b')).not.toBe(terminalText('\x1b'));
  });

  it('keeps line feeds and tabs in blocks, and only there', () => {
    expect(terminalBlock('line 1\n\tline 2\x1b[2J')).toBe('line 1\n\tline 2\\x1b[2J');
    expect(terminalText('line 1\nline 2')).toBe('line 1\\nline 2');
  });

  it('escapes Markdown so untrusted text cannot open a fence, heading, link, HTML or cell', () => {
    expect(markdownText('a | b')).toBe('a \\| b');
    expect(markdownText('# heading')).toBe('\\# heading');
    expect(markdownText('```js')).toBe('\\`\\`\\`js');
    expect(markdownText('[click](https://evil.example)')).toBe('\\[click\\](https\\://evil.example)');
    expect(markdownText('<img src=x onerror=alert(1)>')).toBe('\\<img src=x onerror=alert(1)\\>');
    expect(markdownText('see www.evil.example')).toBe('see www\\.evil.example');
    expect(markdownText('- item')).toBe('\\- item');
    expect(markdownText('1. item')).toBe('1\\. item');
    expect(markdownText('two\nlines')).toBe('two\\\\nlines');
    expect(markdownFence('x\n````\n# y')).toBe('`````text\nx\n````\n# y\n`````');
  });

  it('property: no control character in terminal or Markdown renderings, and both read back exactly', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const terminal = terminalText(text);
        expect(terminal).not.toMatch(CONTROL);
        expect(fromTerminalText(terminal)).toBe(text);

        const markdown = markdownText(text);
        expect(markdown).not.toMatch(CONTROL);
        expect(markdown).not.toMatch(/\n/);
        // Every Markdown-significant character is escaped (preceded by an odd run of backslashes).
        for (const match of markdown.matchAll(/(\\*)([`*_[\]<>#|~&:@$!])/g)) expect(match[1]!.length % 2).toBe(1);
        expect(fromTerminalText(renderInline(markdown))).toBe(text);

        const block = terminalBlock(text);
        expect(block).not.toMatch(CONTROL_BUT_LAYOUT);
        expect(fromTerminalText(block)).toBe(text);
        expect(neutraliseOutput(text)).not.toMatch(CONTROL_BUT_LAYOUT);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: a fence can never be closed by the text inside it', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const fenced = markdownFence(text).split('\n');
        const fence = fenced[0]!.replace('text', '');
        const inner = fenced.slice(1, -1);
        expect(fenced.at(-1)).toBe(fence);
        for (const line of inner) expect(line.trim().startsWith(fence)).toBe(false);
      }),
    );
  });
});
