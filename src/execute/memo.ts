// The memo every Steward transaction carries: "steward:<install>:<action id>:<hash>", where
// install is the database's random install id and hash the first 16 hex digits of
// sha256("<install>:<action id>:<payload JSON>"). Anyone holding the journal can tie an on-chain
// transfer to the decision that caused it, and check the payload was not altered, without the
// memo revealing the payload. The install id makes two databases that share an agent key and
// reach the same decision build different bytes, so they never claim one signature.
import { createHash } from 'node:crypto';
import { PublicKey, TransactionInstruction } from '@solana/web3.js';

export const MEMO_PROGRAM_ID = new PublicKey('MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr');

export function decisionHash(install: string, actionId: number, payload: string): string {
  return createHash('sha256').update(`${install}:${actionId}:${payload}`).digest('hex').slice(0, 16);
}

export function decisionMemo(install: string, actionId: number, payload: string): string {
  return `steward:${install}:${actionId}:${decisionHash(install, actionId, payload)}`;
}

/** The parts of a Steward memo, or undefined for any other text (older memos had no install). */
export function parseDecisionMemo(text: string): { install: string | undefined; actionId: number; hash: string } | undefined {
  const match = /^steward:(?:([0-9a-f]{16}):)?(\d{1,15}):([0-9a-f]{16})$/.exec(text);
  if (!match) return undefined;
  return { install: match[1], actionId: Number(match[2]), hash: match[3] as string };
}

export function memoInstruction(memo: string): TransactionInstruction {
  return new TransactionInstruction({ programId: MEMO_PROGRAM_ID, keys: [], data: Buffer.from(memo, 'utf8') });
}
