// Runs a proposal's instructions as one transaction through simulateTransaction (signatures
// not verified, blockhash replaced) and reads the post-state of the treasury accounts and of
// every account the instructions write: real balance and authority changes, not claims.
// Where the chain cannot run them (a program is not deployed, e.g. SPL Governance on the
// embedded chain), the report says so instead of guessing.
import { TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID, unpackAccount, type Account } from '@solana/spl-token';
import { PublicKey, TransactionMessage, VersionedTransaction, type AccountInfo, type Connection, type TransactionInstruction } from '@solana/web3.js';
import { StewardError } from '../../errors/index.js';
import { redactUrl } from '../../shared/index.js';
import type { TreasuryIndex } from '../treasury-context.js';

export interface TokenState {
  mint: string;
  owner: string;
  amount: bigint;
  delegate: string | null;
  delegatedAmount: bigint;
  closeAuthority: string | null;
}

export interface AccountState {
  lamports: bigint;
  program: string;
  token: TokenState | null;
}

export interface AccountChange {
  address: string;
  treasury: boolean;
  before: AccountState | null;
  after: AccountState | null;
  lamportsDelta: bigint;
  /** Token balance change in base units; null when the account is not a token account before and after. */
  tokenDelta: bigint | null;
  mint: string | null;
  /** Owner, delegate and close-authority changes, as sentences. */
  authorityChanges: string[];
}

export type SimulationReport =
  | { status: 'simulated'; ok: boolean; error: string | null; logs: string[]; unitsConsumed: number | null; feePayer: string; changes: AccountChange[] }
  | { status: 'not-simulated'; reason: string };

export interface SimulateProposalParams {
  instructions: readonly TransactionInstruction[];
  treasury: TreasuryIndex;
  /** Accounts to watch besides every writable account of the instructions. */
  watch?: readonly string[];
}

/** Most accounts a simulation is asked to return (RPC nodes cap the list). */
const MAX_WATCHED = 64;
const PLACEHOLDER_BLOCKHASH = PublicKey.default.toBase58();

function tokenState(address: PublicKey, info: AccountInfo<Buffer>): TokenState | null {
  const program = info.owner;
  if (!program.equals(TOKEN_PROGRAM_ID) && !program.equals(TOKEN_2022_PROGRAM_ID)) return null;
  let account: Account;
  try {
    account = unpackAccount(address, info, program);
  } catch {
    return null; // a mint or another token-program account
  }
  return {
    mint: account.mint.toBase58(),
    owner: account.owner.toBase58(),
    amount: account.amount,
    delegate: account.delegate?.toBase58() ?? null,
    delegatedAmount: account.delegatedAmount,
    closeAuthority: account.closeAuthority?.toBase58() ?? null,
  };
}

function state(address: PublicKey, info: AccountInfo<Buffer> | null): AccountState | null {
  if (!info || info.lamports === 0) return null;
  return { lamports: BigInt(info.lamports), program: info.owner.toBase58(), token: tokenState(address, info) };
}

function describeChanges(before: AccountState | null, after: AccountState | null): string[] {
  const changes: string[] = [];
  const a = before?.token;
  const b = after?.token;
  if (a && !after) changes.push('token account closed');
  if (a && b) {
    if (a.owner !== b.owner) changes.push(`owner ${a.owner} → ${b.owner}`);
    if (a.delegate !== b.delegate || a.delegatedAmount !== b.delegatedAmount) changes.push(`delegate ${a.delegate ?? 'none'} (${a.delegatedAmount}) → ${b.delegate ?? 'none'} (${b.delegatedAmount})`);
    if (a.closeAuthority !== b.closeAuthority) changes.push(`close authority ${a.closeAuthority ?? 'none'} → ${b.closeAuthority ?? 'none'}`);
  }
  if (before && after && before.program !== after.program) changes.push(`owning program ${before.program} → ${after.program}`);
  return changes;
}

export async function simulateProposal(connection: Connection, params: SimulateProposalParams): Promise<SimulationReport> {
  const { instructions, treasury } = params;
  if (instructions.length === 0) return { status: 'not-simulated', reason: 'the proposal has no instructions' };
  const programs = [...new Set(instructions.map((ix) => ix.programId.toBase58()))];
  // A node returns post-state only for as many accounts as the transaction has, so watch the
  // accounts the instructions write (the only ones that can change), plus any asked for.
  const writable = instructions.flatMap((ix) => ix.keys.filter((k) => k.isWritable).map((k) => k.pubkey.toBase58()));
  const accountCount = new Set([...instructions.flatMap((ix) => [ix.programId.toBase58(), ...ix.keys.map((k) => k.pubkey.toBase58())])]).size;
  const watched = [...new Set([...writable, ...(params.watch ?? [])])].slice(0, Math.min(MAX_WATCHED, accountCount));

  let pre: Array<AccountInfo<Buffer> | null>;
  try {
    pre = await connection.getMultipleAccountsInfo([...programs, ...watched].map((a) => new PublicKey(a)), { commitment: 'confirmed' });
  } catch (error) {
    throw new StewardError('RPC_FAILED', `reading accounts before simulating from ${redactUrl(connection.rpcEndpoint)} failed: ${(error as Error).message}`, {
      hint: 'check the cluster URL (--url)',
      cause: error,
    });
  }
  const missing = programs.filter((_, i) => !pre[i]?.executable);
  if (missing.length > 0) {
    return {
      status: 'not-simulated',
      reason: `program ${missing.join(', ')} is not deployed on this cluster, so the proposal cannot run here; the review relies on decoding alone`,
    };
  }
  const signers = instructions.flatMap((ix) => ix.keys.filter((k) => k.isSigner).map((k) => k.pubkey.toBase58()));
  // The governance program signs for its PDAs when it executes; with signature checks off the
  // simulation may let the treasury itself pay the fee, as it funds the execution anyway.
  const feePayer = signers.find((s) => treasury.owners.has(s)) ?? signers[0] ?? treasury.context.owners[0];
  if (!feePayer) return { status: 'not-simulated', reason: 'no instruction names a signer and the treasury has no owner to pay the fee' };

  const message = new TransactionMessage({ payerKey: new PublicKey(feePayer), recentBlockhash: PLACEHOLDER_BLOCKHASH, instructions: [...instructions] }).compileToLegacyMessage();
  const transaction = new VersionedTransaction(message);
  let result;
  try {
    result = await connection.simulateTransaction(transaction, {
      sigVerify: false,
      replaceRecentBlockhash: true,
      commitment: 'confirmed',
      accounts: { encoding: 'base64', addresses: watched },
    });
  } catch (error) {
    return { status: 'not-simulated', reason: `the node refused the simulation: ${error instanceof Error ? error.message : String(error)}` };
  }
  const value = result.value;
  const post = value.accounts ?? [];
  const changes: AccountChange[] = [];
  watched.forEach((address, i) => {
    const key = new PublicKey(address);
    const before = state(key, pre[programs.length + i] ?? null);
    const raw = post[i];
    const afterInfo: AccountInfo<Buffer> | null = raw
      ? { lamports: raw.lamports, owner: new PublicKey(raw.owner), executable: raw.executable, rentEpoch: raw.rentEpoch ?? 0, data: Buffer.from(raw.data[0] ?? '', 'base64') }
      : null;
    const after = value.err ? before : state(key, afterInfo);
    const lamportsDelta = (after?.lamports ?? 0n) - (before?.lamports ?? 0n);
    const tokenDelta = before?.token || after?.token ? (after?.token?.amount ?? 0n) - (before?.token?.amount ?? 0n) : null;
    const authorityChanges = describeChanges(before, after);
    if (lamportsDelta === 0n && (tokenDelta ?? 0n) === 0n && authorityChanges.length === 0 && (before === null) === (after === null)) return;
    const mint = after?.token?.mint ?? before?.token?.mint ?? null;
    changes.push({ address, treasury: treasury.isTreasury(address, mint), before, after, lamportsDelta, tokenDelta, mint, authorityChanges });
  });
  return {
    status: 'simulated',
    ok: value.err === null,
    error: value.err === null ? null : JSON.stringify(value.err),
    logs: value.logs ?? [],
    unitsConsumed: value.unitsConsumed ?? null,
    feePayer,
    changes,
  };
}
