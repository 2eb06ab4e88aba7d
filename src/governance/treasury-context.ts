// What a review needs to know about the DAO's treasury, as plain input: the token table
// (symbol, decimals, `Price` per mint), the treasury's token accounts, the wallets the DAO
// controls, its value and the destinations it has paid before. The observation's TreasuryView
// (src/treasury) or a test fills it; "is this the treasury's address" is the treasury domain's
// one definition (treasuryAddresses), so a review and the policy never disagree on it.
import type { Price } from '../shared/index.js';
import { associatedAccountsOf, treasuryAddresses } from '../treasury/index.js';

export interface ReviewToken {
  mint: string;
  symbol: string;
  decimals: number;
  /** The trusted price; null when none exists (values then stay unknown, never 0). */
  price: Price | null;
}

export interface ReviewTokenAccount {
  address: string;
  mint: string;
  owner: string;
  /** Balance in base units. */
  amount: bigint;
}

export interface TreasuryContext {
  /** Wallets the DAO controls: native treasuries, governance accounts, realm. */
  owners: readonly string[];
  tokens: readonly ReviewToken[];
  tokenAccounts: readonly ReviewTokenAccount[];
  /** Lamports held by each owner wallet, when known. */
  solBalances?: Readonly<Record<string, bigint>>;
  solPrice: Price | null;
  /**
   * Total treasury value in micro-USD (the TreasuryView's trusted total, the figure `observe`
   * shows); null when unpriced (outflow shares are then not computed).
   */
  totalUsdMicros: bigint | null;
  /** Wallets or token accounts the DAO has paid before (ledger, allow-list). */
  knownDestinations: readonly string[];
}

/** The context indexed for lookups; build once per review batch with `indexTreasury`. */
export interface TreasuryIndex {
  context: TreasuryContext;
  owners: ReadonlySet<string>;
  tokensByMint: ReadonlyMap<string, ReviewToken>;
  tokenAccounts: ReadonlyMap<string, ReviewTokenAccount>;
  knownDestinations: ReadonlySet<string>;
  /** Whether `address` is a DAO wallet, a DAO token account, or a DAO wallet's associated token account. */
  isTreasury(address: string, mint?: string | null): boolean;
  /** Whether `address` (wallet or token account) was paid before, including a known wallet's ATA for `mint`. */
  isKnownDestination(address: string, mint?: string | null): boolean;
}

export const EMPTY_TREASURY: TreasuryContext = {
  owners: [],
  tokens: [],
  tokenAccounts: [],
  solPrice: null,
  totalUsdMicros: null,
  knownDestinations: [],
};

export function indexTreasury(context: TreasuryContext): TreasuryIndex {
  const owners = new Set(context.owners);
  const tokensByMint = new Map(context.tokens.map((token) => [token.mint, token]));
  const tokenAccounts = new Map(context.tokenAccounts.map((account) => [account.address, account]));
  const knownDestinations = new Set(context.knownDestinations);
  const treasury = treasuryAddresses(context.owners, context.tokenAccounts, []);
  return {
    context,
    owners,
    tokensByMint,
    tokenAccounts,
    knownDestinations,
    isTreasury: (address, mint) => treasury.isTreasury(address, mint),
    isKnownDestination(address, mint) {
      if (knownDestinations.has(address)) return true;
      if (!mint) return false;
      for (const wallet of knownDestinations) if (associatedAccountsOf(mint, wallet).includes(address)) return true;
      return false;
    },
  };
}
