// Memo program (v1 and v2): UTF-8 text written to the ledger. The text is untrusted and is
// shown quoted, never followed.
import { PublicKey, type TransactionInstruction } from '@solana/web3.js';
import { decoded, undecodable } from './base.js';
import type { DecodedInstruction } from './types.js';

export const MEMO_PROGRAM_IDS = [
  new PublicKey('MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr'),
  new PublicKey('Memo1UhkJRfHyvLMcVucJwxXeuD728EqVDDwQDxFMNo'),
] as const;

export function decodeMemo(instruction: TransactionInstruction, index: number): DecodedInstruction {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(instruction.data);
  } catch {
    return undecodable(instruction, index, 'memo', `memo data is not valid UTF-8 (${instruction.data.length} bytes)`);
  }
  return decoded(instruction, index, 'memo', `memo (untrusted text, ${text.length} characters)`, { kind: 'memo', text });
}
