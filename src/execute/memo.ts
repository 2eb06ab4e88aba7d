// The memo every Steward transaction carries: "steward:<action id>:<hash>", where hash is the
// first 16 hex digits of sha256("<action id>:<payload JSON>"). Anyone holding the journal can
// tie an on-chain transfer to the decision that caused it, and check the payload was not
// altered, without the memo revealing the payload.
import { createHash } from 'node:crypto';
import { PublicKey, TransactionInstruction } from '@solana/web3.js';

export const MEMO_PROGRAM_ID = new PublicKey('MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr');

export function decisionHash(actionId: number, payload: string): string {
  return createHash('sha256').update(`${actionId}:${payload}`).digest('hex').slice(0, 16);
}

export function decisionMemo(actionId: number, payload: string): string {
  return `steward:${actionId}:${decisionHash(actionId, payload)}`;
}

export function memoInstruction(memo: string): TransactionInstruction {
  return new TransactionInstruction({ programId: MEMO_PROGRAM_ID, keys: [], data: Buffer.from(memo, 'utf8') });
}
