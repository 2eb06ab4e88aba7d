// Which way the demo's governance was materialised on a running chain, in one line: created by
// the SPL Governance program deployed there, or written as data because no program file was found.
import type { Connection } from '@solana/web3.js';
import { GOVERNANCE_PROGRAM_ID } from './addresses.js';
import { rpcCall } from '../chain/index.js';

export async function describeGovernanceMode(connection: Connection): Promise<{ mode: 'program' | 'written'; line: string }> {
  const program = await rpcCall('getAccountInfo', connection.rpcEndpoint, () =>
    connection.getAccountInfo(GOVERNANCE_PROGRAM_ID, 'confirmed'),
  );
  if (program?.executable) {
    return {
      mode: 'program',
      line: `governance (program mode): SPL Governance ${GOVERNANCE_PROGRAM_ID.toBase58()} runs on this chain; the demo DAO (realm, community and council mints, governance, proposals) was created by its instructions and votes are cast through it`,
    };
  }
  return {
    mode: 'written',
    line: `governance (written mode): SPL Governance is not on this chain (no program file in --program, STEWARD_PROGRAMS_DIR, .steward/programs or ~/.cache/steward/programs; \`steward programs pull --url mainnet-beta\` fetches it); the demo DAO's governance accounts (the same realm, community and council mints) are written as data and votes are prepared, not cast`,
  };
}
