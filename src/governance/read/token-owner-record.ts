// A TokenOwnerRecord read from its bytes (v1 and v2 share the prefix), not through bn.js:
// type u8, realm, governing token mint, owner, deposit u64, unrelinquished votes u32 (v3: u64
// read as two u32), outstanding proposals u8, version u8, 6 reserved bytes, governance delegate
// Option<Pubkey>. Account data is untrusted: anything shorter or of another type gives null.
import { GovernanceAccountType } from '@solana/spl-governance';
import { PublicKey } from '@solana/web3.js';

export const TOKEN_OWNER_RECORD_REALM_OFFSET = 1;
export const TOKEN_OWNER_RECORD_MINT_OFFSET = 33;
const OWNER_OFFSET = 65;
const DEPOSIT_OFFSET = 97;
const DELEGATE_TAG_OFFSET = 121;
const MIN_SIZE = DELEGATE_TAG_OFFSET + 1 + 32;
const RECORD_TYPES = new Set<number>([GovernanceAccountType.TokenOwnerRecordV1, GovernanceAccountType.TokenOwnerRecordV2]);

export interface TokenOwnerRecordFields {
  realm: PublicKey;
  governingTokenMint: PublicKey;
  owner: PublicKey;
  deposited: bigint;
  /** Who may vote and propose with the record besides its owner. */
  governanceDelegate: PublicKey | null;
}

export function readTokenOwnerRecord(data: Buffer): TokenOwnerRecordFields | null {
  if (data.length < MIN_SIZE || !RECORD_TYPES.has(data[0] as number)) return null;
  const key = (offset: number) => new PublicKey(data.subarray(offset, offset + 32));
  return {
    realm: key(TOKEN_OWNER_RECORD_REALM_OFFSET),
    governingTokenMint: key(TOKEN_OWNER_RECORD_MINT_OFFSET),
    owner: key(OWNER_OFFSET),
    deposited: data.readBigUInt64LE(DEPOSIT_OFFSET),
    governanceDelegate: data[DELEGATE_TAG_OFFSET] === 1 ? key(DELEGATE_TAG_OFFSET + 1) : null,
  };
}
