// On-chain allowances: the SPL approve (or revoke) that lets the agent key spend up to N of a
// treasury token account as its delegate. Only the account's owner (the DAO's treasury) can
// sign it, so Steward prints it: as an unsigned transaction for a multisig or wallet, and as a
// raw instruction for a Realms proposal. On the embedded chain the treasury is a PDA without a
// key, so "execute directly" there means the chain writer rewrites the token account's
// delegate fields: a test/demo shortcut, not something a real cluster allows.
import { ACCOUNT_SIZE, AccountLayout, createApproveCheckedInstruction, createRevokeInstruction } from '@solana/spl-token';
import { PublicKey, TransactionMessage, VersionedTransaction, type Connection, type TransactionInstruction } from '@solana/web3.js';
import { decodeTokenAccount, getMultipleAccounts } from './builders/token-accounts.js';
import { defaultRetryOptions, rpcCall } from '../chain/rpc.js';

export interface GrantParams {
  tokenAccount: PublicKey;
  /** The token account's owner (the treasury): the only possible signer. */
  owner: PublicKey;
  mint: PublicKey;
  decimals: number;
  tokenProgram: PublicKey;
  agent: PublicKey;
  /** Base units; ignored for a revoke. */
  amount: bigint;
  revoke: boolean;
}

export interface GrantInstruction {
  instruction: TransactionInstruction;
  /** For a Realms proposal: program, accounts and data exactly as the instruction carries them. */
  realms: { programId: string; accounts: { pubkey: string; isSigner: boolean; isWritable: boolean }[]; data: string };
}

export function buildGrantInstruction(params: GrantParams): GrantInstruction {
  const instruction = params.revoke
    ? createRevokeInstruction(params.tokenAccount, params.owner, [], params.tokenProgram)
    : createApproveCheckedInstruction(
        params.tokenAccount,
        params.mint,
        params.agent,
        params.owner,
        params.amount,
        params.decimals,
        [],
        params.tokenProgram,
      );
  return {
    instruction,
    realms: {
      programId: instruction.programId.toBase58(),
      accounts: instruction.keys.map((k) => ({ pubkey: k.pubkey.toBase58(), isSigner: k.isSigner, isWritable: k.isWritable })),
      data: Buffer.from(instruction.data).toString('base64'),
    },
  };
}

/** An unsigned v0 transaction (fee payer: the owner) for a wallet or multisig to sign, base64. */
export async function unsignedGrantTransaction(connection: Connection, grant: GrantInstruction, feePayer: PublicKey): Promise<string> {
  const { blockhash } = await rpcCall('getLatestBlockhash', connection.rpcEndpoint, () => connection.getLatestBlockhash('confirmed'));
  const message = new TransactionMessage({
    payerKey: feePayer,
    recentBlockhash: blockhash,
    instructions: [grant.instruction],
  }).compileToV0Message();
  return Buffer.from(new VersionedTransaction(message).serialize()).toString('base64');
}

/**
 * A token account's bytes with its delegate and allowance replaced, as an approve (or, with a
 * null delegate, a revoke) would leave them. Extensions past the base layout are kept as they are.
 */
export function withDelegate(accountData: Uint8Array, delegate: PublicKey | null, amount: bigint): Buffer {
  const data = Buffer.from(accountData);
  const raw = AccountLayout.decode(data.subarray(0, ACCOUNT_SIZE));
  raw.delegateOption = delegate ? 1 : 0;
  raw.delegate = delegate ?? new PublicKey(new Uint8Array(32));
  raw.delegatedAmount = delegate ? amount : 0n;
  AccountLayout.encode(raw, data, 0);
  return data;
}

export interface AllowanceView {
  account: string;
  owner: string;
  mint: string;
  balance: bigint;
  delegate: string | null;
  /** What the delegate can still move (the token program's delegated_amount). */
  remaining: bigint;
  /** Whether the delegate is the agent. */
  toAgent: boolean;
}

/** Allowances on the given token accounts, read from chain. */
export async function readAllowances(connection: Connection, accounts: readonly PublicKey[], agent: PublicKey): Promise<AllowanceView[]> {
  const infos = await getMultipleAccounts(connection, connection.rpcEndpoint, accounts, defaultRetryOptions);
  const out: AllowanceView[] = [];
  accounts.forEach((address, i) => {
    const info = infos[i];
    const view = info ? decodeTokenAccount(address, info) : undefined;
    if (!view) return;
    out.push({
      account: address.toBase58(),
      owner: view.owner.toBase58(),
      mint: view.mint.toBase58(),
      balance: view.amount,
      delegate: view.delegate?.toBase58() ?? null,
      remaining: view.delegatedAmount,
      toAgent: view.delegate?.equals(agent) ?? false,
    });
  });
  return out;
}
