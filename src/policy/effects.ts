// TransactionEffects: what a simulated transaction would do, computed by the execution engine
// from simulateTransaction's pre- and post-state. The second policy check (checkEffects) reads
// only this, so an opaque route or a hostile instruction cannot hide an outflow behind a
// harmless-looking proposed action.

/** One SPL token account (Token or Token-2022) the transaction touches. */
export interface TokenAccountChange {
  address: string;
  /** Owner (wallet or PDA) of the token account after the transaction; see `authorityChanges` for changes. */
  owner: string;
  mint: string;
  /** Base units before and after. An account created by the transaction has pre 0n; a closed one post 0n. */
  pre: bigint;
  post: bigint;
}

/** Lamports of one account before and after (native SOL). */
export interface LamportChange {
  address: string;
  pre: bigint;
  post: bigint;
}

/** Anything that hands control of an account to someone else. */
export interface AuthorityChange {
  /** The account whose authority changes (token account, stake account, mint...). */
  account: string;
  kind:
    'owner' | 'delegate' | 'close-authority' | 'stake-authority' | 'withdraw-authority' | 'mint-authority' | 'freeze-authority' | 'close';
  from: string | null;
  to: string | null;
}

export interface TransactionEffects {
  tokenAccounts: readonly TokenAccountChange[];
  lamports: readonly LamportChange[];
  /** Every program invoked, top-level and inner (CPI) instructions. */
  programs: readonly string[];
  authorityChanges: readonly AuthorityChange[];
}
