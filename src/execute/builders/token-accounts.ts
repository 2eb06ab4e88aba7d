// Finding the treasury token account the agent may spend from: for each treasury owner, its
// associated token account for the mint (either token program), read in one request, keeping
// only accounts whose delegate is the agent. The delegate's remaining allowance is the hard,
// on-chain limit of what the agent can move, whatever any off-chain check says.
import { ASSOCIATED_TOKEN_PROGRAM_ID, AccountLayout, ACCOUNT_SIZE, TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID } from '@solana/spl-token';
import { PublicKey, type AccountInfo, type Connection } from '@solana/web3.js';
import { associatedTokenAddress } from '../../chain/derived-address.js';
import { StewardError } from '../../errors/index.js';
import { readAccountsAt } from '../../chain/accounts-at.js';
import type { RetryOptions } from '../../chain/rpc.js';
import { addressBytesKey, publicKeyOf } from '../../shared/address.js';

export interface DelegatedSource {
  address: PublicKey;
  owner: PublicKey;
  mint: PublicKey;
  tokenProgram: PublicKey;
  amount: bigint;
  /** The agent's remaining allowance on this account (0 when the agent is not its delegate). */
  delegatedAmount: bigint;
  delegate: PublicKey | null;
}

export function decodeTokenAccount(address: PublicKey, info: AccountInfo<Buffer>): DelegatedSource | undefined {
  const program = info.owner;
  if (!program.equals(TOKEN_PROGRAM_ID) && !program.equals(TOKEN_2022_PROGRAM_ID)) return undefined;
  if (info.data.length < ACCOUNT_SIZE) return undefined;
  const raw = AccountLayout.decode(info.data.subarray(0, ACCOUNT_SIZE));
  if (raw.state === 0) return undefined;
  return {
    address,
    owner: raw.owner,
    mint: raw.mint,
    tokenProgram: program,
    amount: raw.amount,
    delegatedAmount: raw.delegateOption ? raw.delegatedAmount : 0n,
    delegate: raw.delegateOption ? raw.delegate : null,
  };
}

/** `keys`' accounts (null where absent), 100 per request (readAccountsAt). */
export async function getMultipleAccounts(
  connection: Connection,
  endpoint: string,
  keys: readonly PublicKey[],
  retry: RetryOptions,
): Promise<(AccountInfo<Buffer> | null)[]> {
  return (await readAccountsAt(connection, endpoint, keys, retry)).accounts;
}

/** The token program that owns `info`, the mint account (anything else is refused). */
export function tokenProgramOfMint(mint: PublicKey, info: AccountInfo<Buffer> | null): PublicKey {
  if (!info || (!info.owner.equals(TOKEN_PROGRAM_ID) && !info.owner.equals(TOKEN_2022_PROGRAM_ID))) {
    throw new StewardError('EXECUTION_REFUSED', `mint ${mint.toBase58()} is not an SPL token mint on this cluster`, {
      hint: 'check the policy token table names the mint of this cluster',
      context: { mint: mint.toBase58() },
    });
  }
  return info.owner;
}

/** Accounts that may hold the treasury's `mint`: each treasury address and its associated token account. */
function sourceCandidates(treasury: ReadonlySet<string>, mint: PublicKey, tokenProgram: PublicKey): PublicKey[] {
  // Keyed by raw bytes: a treasury's addresses and their associated accounts overlap, and
  // base58-encoding every derived address cost more than deriving it (derivations are cached).
  const candidates = new Map<string, PublicKey>();
  for (const address of treasury) {
    let key: PublicKey;
    try {
      key = publicKeyOf(address);
    } catch {
      continue;
    }
    candidates.set(addressBytesKey(key), key);
    const ata = associatedTokenAddress(mint, key, true, tokenProgram, ASSOCIATED_TOKEN_PROGRAM_ID);
    candidates.set(addressBytesKey(ata), ata);
  }
  return [...candidates.values()];
}

/** The candidates that are token accounts of `mint` owned by the treasury; the agent's largest allowance first. */
function delegatedSources(
  keys: readonly PublicKey[],
  infos: readonly (AccountInfo<Buffer> | null | undefined)[],
  treasury: ReadonlySet<string>,
  mint: PublicKey,
  agent: PublicKey,
): DelegatedSource[] {
  const sources: DelegatedSource[] = [];
  keys.forEach((key, i) => {
    const info = infos[i];
    if (!info) return;
    const account = decodeTokenAccount(key, info);
    if (!account || !account.mint.equals(mint) || !treasury.has(account.owner.toBase58())) return;
    sources.push(account);
  });
  const mine = (s: DelegatedSource) => (s.delegate?.equals(agent) ? s.delegatedAmount : -1n);
  return sources.sort((a, b) => (mine(b) > mine(a) ? 1 : mine(b) < mine(a) ? -1 : 0));
}

export interface MintWithSources {
  /** The token program that owns the mint. */
  program: PublicKey;
  sources: DelegatedSource[];
  /** The accounts `extra` named for that program, in its order (null where absent). */
  extra: (AccountInfo<Buffer> | null)[];
}

/**
 * The mint, the treasury's accounts of it (the agent's largest allowance first) and the `extra` accounts a
 * builder needs (a recipient and its associated account, another mint), in one request: the
 * candidates are derived for both token programs, since which one owns the mint is only known
 * from the same read, and those of the mint's program are kept. A build used to spend three
 * sequential requests here (mint, sources, recipient).
 */
export async function readMintWithSources(
  ctx: { connection: Connection; endpoint: string; retry: RetryOptions; agent: PublicKey },
  treasury: ReadonlySet<string>,
  mint: PublicKey,
  extra: (tokenProgram: PublicKey) => readonly PublicKey[] = () => [],
): Promise<MintWithSources> {
  const plans = [TOKEN_PROGRAM_ID, TOKEN_2022_PROGRAM_ID].map((program) => ({
    program,
    candidates: sourceCandidates(treasury, mint, program),
    extra: extra(program),
  }));
  const unique = new Map<string, PublicKey>([[addressBytesKey(mint), mint]]);
  for (const plan of plans) for (const key of [...plan.candidates, ...plan.extra]) unique.set(addressBytesKey(key), key);
  const keys = [...unique.values()];
  const infos = await getMultipleAccounts(ctx.connection, ctx.endpoint, keys, ctx.retry);
  const byKey = new Map(keys.map((key, i) => [addressBytesKey(key), infos[i] ?? null]));
  const lookup = (key: PublicKey) => byKey.get(addressBytesKey(key)) ?? null;
  const program = tokenProgramOfMint(mint, lookup(mint));
  const plan = plans.find((p) => p.program.equals(program)) as (typeof plans)[number];
  return {
    program,
    sources: delegatedSources(plan.candidates, plan.candidates.map(lookup), treasury, mint, ctx.agent),
    extra: plan.extra.map(lookup),
  };
}
