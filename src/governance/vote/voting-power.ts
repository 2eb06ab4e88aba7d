// Whose votes an agent key casts on a proposal: its own token owner record in the realm (with
// tokens deposited), or a member's record that names it governance delegate (the member keeps
// the tokens; the agent holds none). The largest deposit wins when several qualify.
// Records are read from their bytes (v2 layout), not through bn.js: one getProgramAccounts
// narrowed on-chain by realm and mint.
import { GovernanceAccountType } from '@solana/spl-governance';
import { PublicKey, type Connection } from '@solana/web3.js';
import { rpcCall } from '../../chain/rpc.js';

export interface VotingPower {
  tokenOwnerRecord: PublicKey;
  /** The member whose tokens vote. */
  owner: PublicKey;
  weight: bigint;
  /** 'own': the agent's own record; 'delegate': a member's record that delegates to the agent. */
  via: 'own' | 'delegate';
}

// TokenOwnerRecord (v1 and v2 share the prefix): type u8, realm, governing token mint, owner,
// deposit u64, unrelinquished votes, outstanding proposals u8, version u8, 6 reserved bytes,
// governance delegate Option<Pubkey>.
const REALM_OFFSET = 1;
const MINT_OFFSET = 33;
const OWNER_OFFSET = 65;
const DEPOSIT_OFFSET = 97;
const DELEGATE_TAG_OFFSET = 121;
const MIN_SIZE = DELEGATE_TAG_OFFSET + 1 + 32;
const RECORD_TYPES = new Set<number>([GovernanceAccountType.TokenOwnerRecordV1, GovernanceAccountType.TokenOwnerRecordV2]);

/** Every record of `mint` in `realm` the agent may vote with, largest deposit first. */
export async function findVotingPower(
  connection: Connection,
  params: { programId: PublicKey; realm: PublicKey; mint: PublicKey; agent: PublicKey },
): Promise<VotingPower[]> {
  const records = await rpcCall('getProgramAccounts', connection.rpcEndpoint, () =>
    connection.getProgramAccounts(params.programId, {
      commitment: 'confirmed',
      filters: [
        { memcmp: { offset: REALM_OFFSET, bytes: params.realm.toBase58() } },
        { memcmp: { offset: MINT_OFFSET, bytes: params.mint.toBase58() } },
      ],
    }),
  );
  const power: VotingPower[] = [];
  for (const { pubkey, account } of records) {
    const data = account.data;
    if (data.length < MIN_SIZE || !RECORD_TYPES.has(data[0] as number)) continue;
    const owner = new PublicKey(data.subarray(OWNER_OFFSET, OWNER_OFFSET + 32));
    const delegate =
      data[DELEGATE_TAG_OFFSET] === 1 ? new PublicKey(data.subarray(DELEGATE_TAG_OFFSET + 1, DELEGATE_TAG_OFFSET + 33)) : null;
    const via = owner.equals(params.agent) ? 'own' : delegate?.equals(params.agent) ? 'delegate' : null;
    if (!via) continue;
    power.push({ tokenOwnerRecord: pubkey, owner, weight: data.readBigUInt64LE(DEPOSIT_OFFSET), via });
  }
  return power.sort((a, b) => (a.weight === b.weight ? 0 : a.weight > b.weight ? -1 : 1));
}
