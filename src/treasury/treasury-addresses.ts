// The one definition of "a treasury address": a DAO wallet (owner), a token account one of them
// owns, or an owner's associated token account for a mint (also before it exists, so a payment
// to it is internal). The policy, the executor and the governance review all ask this.
import { TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID } from '@solana/spl-token';
import { PublicKey } from '@solana/web3.js';
import { associatedTokenAddress } from '../chain/index.js';

export interface TreasuryAddresses {
  /** Owners, their token accounts and the owners' associated token accounts of `mints`. */
  readonly all: ReadonlySet<string>;
  /** Whether `address` is the treasury's; with `mint`, an owner's associated account of it counts too. */
  isTreasury(address: string, mint?: string | null): boolean;
}

/** The owner's associated token accounts of `mint` under both token programs; none for an invalid key. */
export function associatedAccountsOf(mint: string, owner: string): string[] {
  try {
    const mintKey = new PublicKey(mint);
    const ownerKey = new PublicKey(owner);
    return [TOKEN_PROGRAM_ID, TOKEN_2022_PROGRAM_ID].map((program) => associatedTokenAddress(mintKey, ownerKey, true, program).toBase58());
  } catch {
    return [];
  }
}

/**
 * `owners` and the token accounts (`address`, `owner`) read for them; `mints` are the mints whose
 * associated accounts `all` lists ahead (the token table's); `isTreasury` derives any other on demand.
 */
export function treasuryAddresses(
  owners: readonly string[],
  tokenAccounts: ReadonlyArray<{ address: string; owner: string }>,
  mints: readonly string[],
): TreasuryAddresses {
  const ownerSet = new Set(owners);
  const accountOwner = new Map(tokenAccounts.map((account) => [account.address, account.owner]));
  let all: Set<string> | undefined;
  const isAssociated = (address: string, mint: string): boolean =>
    owners.some((owner) => associatedAccountsOf(mint, owner).includes(address));
  return {
    get all() {
      all ??= new Set([
        ...owners,
        ...tokenAccounts.filter((account) => ownerSet.has(account.owner)).map((account) => account.address),
        ...mints.flatMap((mint) => owners.flatMap((owner) => associatedAccountsOf(mint, owner))),
      ]);
      return all;
    },
    isTreasury(address, mint) {
      if (ownerSet.has(address)) return true;
      const owner = accountOwner.get(address);
      if (owner !== undefined && ownerSet.has(owner)) return true;
      return mint ? isAssociated(address, mint) : false;
    },
  };
}
