// What a restarted embedded chain needs to be the same chain: its identity, clock, recent
// blockhashes, accounts and transaction history (signature statuses included), as JSON.
// Without the history and the blockhash window, a transaction that landed before a restart
// would look unknown and its blockhash expired: recovery would call it expired, wrongly.
// Program binaries are not stored: they come back from the same `--program` flags.
import { z } from 'zod';
import { StewardError } from '../../errors/index.js';

export const CHAIN_STATE_VERSION = 1;

const bigintText = z.string().regex(/^\d+$/);
const base64 = z.string();

const tokenSnapshotSchema = z.object({ accountIndex: z.number().int().nonnegative(), programId: z.string(), data: base64 });

const recordSchema = z.object({
  signature: z.string(),
  slot: bigintText,
  blockTime: z.number(),
  raw: base64,
  accountKeys: z.array(base64),
  loadedWritable: z.number().int().nonnegative(),
  loadedReadonly: z.number().int().nonnegative(),
  err: z.unknown(),
  fee: bigintText,
  preBalances: z.array(bigintText),
  postBalances: z.array(bigintText),
  preTokens: z.array(tokenSnapshotSchema),
  postTokens: z.array(tokenSnapshotSchema),
  logs: z.array(z.string()),
  unitsConsumed: bigintText,
  returnData: z.object({ programId: z.string(), data: base64 }).nullable(),
  innerInstructions: z.array(
    z.object({
      index: z.number().int().nonnegative(),
      instructions: z.array(
        z.object({ programIdIndex: z.number().int(), accounts: z.array(z.number().int()), data: base64, stackHeight: z.number().int() }),
      ),
    }),
  ),
});

export const chainStateSchema = z.object({
  version: z.literal(CHAIN_STATE_VERSION),
  /** Random, made when the chain was first created: every LiteSVM chain has the same genesis hash. */
  chainId: z.string().regex(/^[0-9a-f]{16}$/),
  savedAtMs: z.number(),
  startMs: z.number(),
  offsetMs: z.number(),
  slot: bigintText,
  transactionCount: bigintText,
  faucetSecret: base64,
  /** [blockhash, slot it was produced in], oldest first. */
  recentBlockhashes: z.array(z.tuple([z.string(), bigintText])),
  accounts: z.array(z.object({ address: base64, lamports: bigintText, data: base64, owner: base64, executable: z.boolean() })),
  history: z.array(recordSchema),
});

export type ChainState = z.infer<typeof chainStateSchema>;
export type SavedTransaction = z.infer<typeof recordSchema>;

export const b64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
export const unb64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));

/** Parses a saved chain state; `where` names the file in errors. */
export function parseChainState(text: string, where: string): ChainState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new StewardError('CHAIN_FAILED', `the embedded chain state ${where} is not JSON: ${(error as Error).message}`, {
      hint: 'it was cut short or edited; move it aside to start a fresh embedded chain (its transactions are then gone)',
      context: { path: where },
    });
  }
  const parsed = chainStateSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StewardError(
      'CHAIN_FAILED',
      `the embedded chain state ${where} is not a state this version reads: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`,
      {
        hint: 'move it aside to start a fresh embedded chain (its transactions are then gone)',
        context: { path: where },
      },
    );
  }
  return parsed.data;
}
