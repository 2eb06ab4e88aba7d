// Whether the demo DAO has its Squads vault on a running chain, in one line: created by the Squads
// v4 program deployed there, or absent because no program file was found.
import type { Connection } from '@solana/web3.js';
import { rpcCall } from '../chain/index.js';
import { SQUADS_PROGRAM_ID } from '../squads/index.js';
import { DEMO_SQUADS, DEMO_SQUADS_ADDRESSES } from './seed/squads.js';

export async function describeSquadsMode(connection: Connection): Promise<{ mode: 'program' | 'absent'; line: string }> {
  const program = await rpcCall('getAccountInfo', connection.rpcEndpoint, () => connection.getAccountInfo(SQUADS_PROGRAM_ID, 'confirmed'));
  const multisig = program?.executable
    ? await rpcCall('getAccountInfo', connection.rpcEndpoint, () => connection.getAccountInfo(DEMO_SQUADS_ADDRESSES.multisig, 'confirmed'))
    : null;
  if (multisig) {
    return {
      mode: 'program',
      line: `squads: Squads v4 ${SQUADS_PROGRAM_ID.toBase58()} runs on this chain; the DAO also holds ${DEMO_SQUADS.vaultUsdc} USDC in vault ${DEMO_SQUADS_ADDRESSES.vault.toBase58()} of multisig ${DEMO_SQUADS_ADDRESSES.multisig.toBase58()}, and the agent may spend ${DEMO_SQUADS.limitUsdcPerDay} USDC per Day of it to the grantee through spending limit ${DEMO_SQUADS_ADDRESSES.usdcLimit.toBase58()} (made by the program)`,
    };
  }
  return {
    mode: 'absent',
    line: 'squads: Squads v4 is not on this chain (no program file in --program, STEWARD_PROGRAMS_DIR, .steward/programs or ~/.cache/steward/programs); the demo has no Squads vault',
  };
}
