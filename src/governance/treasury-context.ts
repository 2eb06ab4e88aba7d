// What a review needs to know about the DAO's treasury, as plain input: the token table
// (symbol, decimals, USD price per mint), the treasury's token accounts, the wallets the DAO
// controls and the destinations it has paid before. The treasury snapshot (src/treasury) or a
// test fills it; governance code never reads treasury internals, so the two domains stay apart.
import { TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID } from '@solana/spl-token';
import { PublicKey } from '@solana/web3.js';
import { associatedTokenAddress } from '../chain/derived-address.js';

export interface ReviewToken {
  mint: string;
  symbol: string;
  decimals: number;
  /** USD per whole token; null when no trusted price exists (values then stay unknown, never 0). */
  priceUsd: number | null;
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
  solPriceUsd: number | null;
  /** Total treasury value in micro-USD; null when unpriced (outflow shares are then not computed). */
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
  solPriceUsd: null,
  totalUsdMicros: null,
  knownDestinations: [],
};

function ataOf(mint: string, owner: string): string[] {
  try {
    const mintKey = new PublicKey(mint);
    const ownerKey = new PublicKey(owner);
    return [TOKEN_PROGRAM_ID, TOKEN_2022_PROGRAM_ID].map((program) =>
      associatedTokenAddress(mintKey, ownerKey, true, program).toBase58(),
    );
  } catch {
    return [];
  }
}

export function indexTreasury(context: TreasuryContext): TreasuryIndex {
  const owners = new Set(context.owners);
  const tokensByMint = new Map(context.tokens.map((token) => [token.mint, token]));
  const tokenAccounts = new Map(context.tokenAccounts.map((account) => [account.address, account]));
  const knownDestinations = new Set(context.knownDestinations);
  const matchesWalletAta = (address: string, wallets: Iterable<string>, mint: string | null | undefined): boolean => {
    if (!mint) return false;
    for (const wallet of wallets) if (ataOf(mint, wallet).includes(address)) return true;
    return false;
  };
  return {
    context,
    owners,
    tokensByMint,
    tokenAccounts,
    knownDestinations,
    isTreasury(address, mint) {
      if (owners.has(address)) return true;
      const account = tokenAccounts.get(address);
      if (account && owners.has(account.owner)) return true;
      return matchesWalletAta(address, owners, mint);
    },
    isKnownDestination(address, mint) {
      if (knownDestinations.has(address)) return true;
      return matchesWalletAta(address, knownDestinations, mint);
    },
  };
}
