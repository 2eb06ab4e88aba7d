// Whose votes an agent key casts on a proposal: its own token owner record in the realm (with
// tokens deposited), or a member's record that names it governance delegate (the member keeps
// the tokens; the agent holds none). The largest deposit wins when several qualify.
// Records are read from their bytes (read/token-owner-record.ts), not through bn.js: one
// getProgramAccounts narrowed on-chain by realm and mint.
import { PublicKey, type Connection } from '@solana/web3.js';
import { rpcCall } from '../../chain/rpc.js';
import { readTokenOwnerRecord, TOKEN_OWNER_RECORD_MINT_OFFSET, TOKEN_OWNER_RECORD_REALM_OFFSET } from '../read/token-owner-record.js';

export interface VotingPower {
  tokenOwnerRecord: PublicKey;
  /** The member whose tokens vote. */
  owner: PublicKey;
  weight: bigint;
  /** 'own': the agent's own record; 'delegate': a member's record that delegates to the agent. */
  via: 'own' | 'delegate';
}

/** Every record of `mint` in `realm` the agent may vote with, largest deposit first. */
export async function findVotingPower(
  connection: Connection,
  params: { programId: PublicKey; realm: PublicKey; mint: PublicKey; agent: PublicKey },
): Promise<VotingPower[]> {
  const records = await rpcCall('getProgramAccounts', connection.rpcEndpoint, () =>
    connection.getProgramAccounts(params.programId, {
      commitment: 'confirmed',
      filters: [
        { memcmp: { offset: TOKEN_OWNER_RECORD_REALM_OFFSET, bytes: params.realm.toBase58() } },
        { memcmp: { offset: TOKEN_OWNER_RECORD_MINT_OFFSET, bytes: params.mint.toBase58() } },
      ],
    }),
  );
  const power: VotingPower[] = [];
  for (const { pubkey, account } of records) {
    const record = readTokenOwnerRecord(account.data);
    if (!record) continue;
    const { owner, governanceDelegate: delegate } = record;
    const via = owner.equals(params.agent) ? 'own' : delegate?.equals(params.agent) ? 'delegate' : null;
    if (!via) continue;
    power.push({ tokenOwnerRecord: pubkey, owner, weight: record.deposited, via });
  }
  return power.sort((a, b) => (a.weight === b.weight ? 0 : a.weight > b.weight ? -1 : 1));
}
