// Turns the pre-state and the simulated post-state of every account a transaction names into
// the policy's TransactionEffects: token balance deltas with owner and mint, lamport deltas,
// the programs invoked (top-level and CPI, from the runtime's "Program X invoke [n]" log
// lines), and every change of who controls an account. This is the only view of an opaque
// transaction (a Jupiter route) the effects check trusts.
//
// The pre-state may be several reads bracketing the simulation (before and after it): nothing
// ties one RPC read to the slot another one ran at, so a payment landing in between would
// otherwise show up in the delta and hide an outflow. Each account's pre-balance is then taken
// conservatively: for a treasury account the largest observed (outflows are never understated,
// inflows never overstated), for any other account the smallest (what it gains is never
// understated, so a credit to a stranger cannot hide).
import { AccountLayout, MintLayout, ACCOUNT_SIZE, MINT_SIZE, TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID } from '@solana/spl-token';
import { PublicKey, StakeProgram } from '@solana/web3.js';
import type { AuthorityChange, LamportChange, TokenAccountChange, TransactionEffects } from '../policy/index.js';

export interface RawAccount {
  lamports: bigint;
  owner: string;
  data: Buffer;
}

export type AccountStates = ReadonlyMap<string, RawAccount | null>;

const TOKEN_PROGRAMS = new Set([TOKEN_PROGRAM_ID.toBase58(), TOKEN_2022_PROGRAM_ID.toBase58()]);
const STAKE_PROGRAM = StakeProgram.programId.toBase58();
// Token-2022 extended accounts carry their type after the 165-byte base: 1 mint, 2 account.
const ACCOUNT_TYPE_OFFSET = ACCOUNT_SIZE;

interface TokenAccountView {
  mint: string;
  owner: string;
  amount: bigint;
  delegate: string | null;
  closeAuthority: string | null;
}

interface MintView {
  mintAuthority: string | null;
  freezeAuthority: string | null;
}

function tokenAccount(account: RawAccount | null | undefined): TokenAccountView | undefined {
  if (!account || !TOKEN_PROGRAMS.has(account.owner)) return undefined;
  const data = account.data;
  if (data.length < ACCOUNT_SIZE) return undefined;
  if (data.length > ACCOUNT_SIZE && data[ACCOUNT_TYPE_OFFSET] !== 2) return undefined;
  const raw = AccountLayout.decode(data.subarray(0, ACCOUNT_SIZE));
  if (raw.state === 0) return undefined;
  return {
    mint: raw.mint.toBase58(),
    owner: raw.owner.toBase58(),
    amount: raw.amount,
    delegate: raw.delegateOption ? raw.delegate.toBase58() : null,
    closeAuthority: raw.closeAuthorityOption ? raw.closeAuthority.toBase58() : null,
  };
}

function mint(account: RawAccount | null | undefined): MintView | undefined {
  if (!account || !TOKEN_PROGRAMS.has(account.owner)) return undefined;
  const data = account.data;
  if (data.length < MINT_SIZE) return undefined;
  if (data.length > MINT_SIZE && !(data.length > ACCOUNT_SIZE && data[ACCOUNT_TYPE_OFFSET] === 1)) return undefined;
  const raw = MintLayout.decode(data.subarray(0, MINT_SIZE));
  if (!raw.isInitialized) return undefined;
  return {
    mintAuthority: raw.mintAuthorityOption ? raw.mintAuthority.toBase58() : null,
    freezeAuthority: raw.freezeAuthorityOption ? raw.freezeAuthority.toBase58() : null,
  };
}

function stakeAuthorities(account: RawAccount | null | undefined): { staker: string; withdrawer: string } | undefined {
  if (!account || account.owner !== STAKE_PROGRAM || account.data.length < 76) return undefined;
  const state = account.data.readUInt32LE(0);
  if (state !== 1 && state !== 2) return undefined;
  return {
    staker: new PublicKey(account.data.subarray(12, 44)).toBase58(),
    withdrawer: new PublicKey(account.data.subarray(44, 76)).toBase58(),
  };
}

/** Every program in "Program <id> invoke [n]" lines; undefined when the runtime truncated the logs. */
export function programsFromLogs(logs: readonly string[]): string[] | undefined {
  const programs = new Set<string>();
  for (const line of logs) {
    if (line === 'Log truncated') return undefined;
    const match = /^Program ([1-9A-HJ-NP-Za-km-z]{32,44}) invoke \[\d+\]$/.exec(line);
    if (match?.[1]) programs.add(match[1]);
  }
  return [...programs];
}

export interface ComputeEffectsOptions {
  /**
   * Whether the account at `address` (a token account: owned by `owner`) belongs to the
   * treasury. Decides which way a pre-balance observed differently in several reads is taken;
   * without it every account is treated as the treasury's (largest pre-balance).
   */
  isTreasury?: (address: string, owner: string | null) => boolean;
}

/** Token amount of an account, 0 when it is not an initialized token account (or missing). */
const tokenAmountOf = (account: RawAccount | null): bigint => tokenAccount(account)?.amount ?? 0n;

/**
 * One pre-state account out of several observations of it: lamports and token amount each the
 * largest observed (`larger`) or the smallest, authorities from the observation whose token
 * amount (or, for other accounts, lamports) was taken. A missing account counts as zero.
 */
export function boundPreState(observations: readonly (RawAccount | null)[], larger: boolean): RawAccount | null {
  const first = observations[0];
  if (observations.length <= 1) return first ?? null;
  const pick = (value: (a: RawAccount | null) => bigint) =>
    observations.reduce((best, next) => ((larger ? value(next) > value(best) : value(next) < value(best)) ? next : best), first ?? null);
  const byLamports = pick((a) => a?.lamports ?? 0n);
  const isToken = observations.some((a) => tokenAccount(a) !== undefined);
  const byShape = isToken ? pick(tokenAmountOf) : byLamports;
  if (!byShape) return null; // the smallest token amount observed is "no account"
  return { lamports: byLamports?.lamports ?? 0n, owner: byShape.owner, data: byShape.data };
}

/** The owner of the first initialized token account among `observations`, or null. */
export function tokenOwnerOf(observations: readonly (RawAccount | null | undefined)[]): string | null {
  for (const account of observations) {
    const view = tokenAccount(account);
    if (view) return view.owner;
  }
  return null;
}

/**
 * `pre` is one read of the accounts, or several reads taken around the simulation; with
 * several, each account's pre-state is bounded as described at the top of this file.
 */
export function computeEffects(
  addresses: readonly string[],
  pre: AccountStates | readonly AccountStates[],
  post: AccountStates,
  programs: readonly string[],
  options: ComputeEffectsOptions = {},
): TransactionEffects {
  const reads: readonly AccountStates[] = Array.isArray(pre) ? pre : [pre as AccountStates];
  const tokenAccounts: TokenAccountChange[] = [];
  const lamports: LamportChange[] = [];
  const authorityChanges: AuthorityChange[] = [];

  for (const address of addresses) {
    const observed = reads.map((read) => read.get(address) ?? null);
    const owner = tokenOwnerOf([...observed, post.get(address)]);
    const treasury = options.isTreasury ? options.isTreasury(address, owner) : true;
    const before = boundPreState(observed, treasury);
    const after = post.has(address) ? (post.get(address) ?? null) : before;
    const beforeLamports = before?.lamports ?? 0n;
    const afterLamports = after?.lamports ?? 0n;
    if (beforeLamports !== afterLamports) lamports.push({ address, pre: beforeLamports, post: afterLamports });

    const tokenBefore = tokenAccount(before);
    const tokenAfter = tokenAccount(after);
    if (tokenBefore || tokenAfter) {
      const view = (tokenAfter ?? tokenBefore) as TokenAccountView;
      const preAmount = tokenBefore?.amount ?? 0n;
      const postAmount = tokenAfter?.amount ?? 0n;
      if (preAmount !== postAmount || tokenBefore?.owner !== tokenAfter?.owner) {
        tokenAccounts.push({ address, owner: view.owner, mint: view.mint, pre: preAmount, post: postAmount });
      }
      if (tokenBefore && tokenAfter) {
        if (tokenBefore.owner !== tokenAfter.owner)
          authorityChanges.push({ account: address, kind: 'owner', from: tokenBefore.owner, to: tokenAfter.owner });
        // A delegate that spent its whole allowance is cleared by the token program: that takes
        // control away, it hands none out. Only a new, different delegate is a hand-off.
        if (tokenAfter.delegate !== null && tokenAfter.delegate !== tokenBefore.delegate) {
          authorityChanges.push({ account: address, kind: 'delegate', from: tokenBefore.delegate, to: tokenAfter.delegate });
        }
        if (tokenBefore.closeAuthority !== tokenAfter.closeAuthority) {
          authorityChanges.push({
            account: address,
            kind: 'close-authority',
            from: tokenBefore.closeAuthority,
            to: tokenAfter.closeAuthority,
          });
        }
      } else if (tokenBefore && !tokenAfter) {
        authorityChanges.push({ account: address, kind: 'close', from: tokenBefore.owner, to: null });
      }
      continue;
    }

    const mintBefore = mint(before);
    const mintAfter = mint(after);
    if (mintBefore && mintAfter) {
      if (mintBefore.mintAuthority !== mintAfter.mintAuthority)
        authorityChanges.push({ account: address, kind: 'mint-authority', from: mintBefore.mintAuthority, to: mintAfter.mintAuthority });
      if (mintBefore.freezeAuthority !== mintAfter.freezeAuthority)
        authorityChanges.push({
          account: address,
          kind: 'freeze-authority',
          from: mintBefore.freezeAuthority,
          to: mintAfter.freezeAuthority,
        });
      continue;
    }

    const stakeBefore = stakeAuthorities(before);
    const stakeAfter = stakeAuthorities(after);
    if (stakeBefore && stakeAfter) {
      if (stakeBefore.staker !== stakeAfter.staker)
        authorityChanges.push({ account: address, kind: 'stake-authority', from: stakeBefore.staker, to: stakeAfter.staker });
      if (stakeBefore.withdrawer !== stakeAfter.withdrawer)
        authorityChanges.push({ account: address, kind: 'withdraw-authority', from: stakeBefore.withdrawer, to: stakeAfter.withdrawer });
    }
    // Any other account whose owning program changed was handed to another program.
    if (before && after && before.owner !== after.owner && beforeLamports > 0n) {
      authorityChanges.push({ account: address, kind: 'owner', from: before.owner, to: after.owner });
    }
  }
  return { tokenAccounts, lamports, programs: [...new Set(programs)], authorityChanges };
}
