// What the model is shown of a proposal's untrusted text, and what it is not: the prompt caps
// the title and the description (review-prompt.ts), so a long description reaches the model
// cut. The review says so (`truncated`: field, characters shown and in all, SHA-256 of the
// whole text) and scans the part beyond the cut, where padding can hide an instruction that
// the model never saw and a voter would not scroll to.
import { createHash } from 'node:crypto';
import { neutralizeUntrusted } from '../../llm/index.js';

/** Characters (code points of the text as the prompt receives it) the model is shown of each field. */
export const MODEL_TEXT_LIMITS = { title: 300, description: 3_000 } as const;

export type TextField = keyof typeof MODEL_TEXT_LIMITS;

export interface Truncation {
  field: TextField;
  /** Characters the model was shown (code points, control characters removed as in the prompt). */
  shownChars: number;
  totalChars: number;
  /** SHA-256 (hex) of the whole text as written on chain (UTF-8). */
  sha256: string;
}

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** The truncation of `text` in the prompt (null when the model sees all of it) and the part it does not see. */
export function modelTextView(field: TextField, text: string): { truncation: Truncation | null; beyond: string } {
  const codePoints = [...neutralizeUntrusted(text)];
  const limit = MODEL_TEXT_LIMITS[field];
  if (codePoints.length <= limit) return { truncation: null, beyond: '' };
  return {
    truncation: { field, shownChars: limit, totalChars: codePoints.length, sha256: sha256Hex(text) },
    beyond: codePoints.slice(limit).join(''),
  };
}

/** Characters of untrusted text a report shows by default (`--full-text` shows all). */
export const REPORT_EXCERPT_CHARS = { title: 300, description: 1_500 } as const;

export interface TextExcerpt {
  /** The beginning of the text, at most the field's excerpt length. */
  text: string;
  shownChars: number;
  totalChars: number;
  sha256: string;
}

/** A bounded excerpt of untrusted text, with its length and hash; the whole text when `full`. */
export function textExcerpt(field: TextField, text: string, full = false): TextExcerpt {
  const codePoints = [...text];
  const shown = full ? codePoints.length : Math.min(codePoints.length, REPORT_EXCERPT_CHARS[field]);
  return { text: codePoints.slice(0, shown).join(''), shownChars: shown, totalChars: codePoints.length, sha256: sha256Hex(text) };
}
