// One call that reads every supported protocol's positions for a set of treasury owners, all
// protocols in parallel: MarginFi (1 getProgramAccounts per owner, then its banks), Orca
// Whirlpools (the owners' token accounts, then positions, pools, tick arrays and mints), and the
// stake pools of held liquid-staking tokens when given. Through one account reader
// (src/chain/account-reader.ts) the protocols' reads of a round travel in one request: 4 rounds
// (Whirlpools' chain of reads is the longest), one request each, whatever the number of owners.
// Pass the observation's reader to share rounds (and already-read accounts) with the treasury.
import type { Connection } from '@solana/web3.js';
import { createAccountReader, highestSlot, shareReader, type AccountReader } from '../../chain/account-reader.js';
import { readMarginfiPositions } from './marginfi.js';
import { readWhirlpoolPositions } from './orca-whirlpools.js';
import { readStakePoolPositions } from './spl-stake-pool.js';
import type { DefiPosition, ReadPositionsParams, ReadPositionsResult } from './types.js';

export async function readPositions(
  connection: Connection,
  params: ReadPositionsParams & { reader?: AccountReader | undefined },
): Promise<ReadPositionsResult> {
  const rpc = params.reader
    ? shareReader(params.reader)
    : createAccountReader(connection, { commitment: params.commitment ?? 'confirmed' });
  const results = await Promise.all([
    readMarginfiPositions(rpc, params.owners),
    readWhirlpoolPositions(rpc, params.owners),
    readStakePoolPositions(rpc, params.stakePools ?? []),
  ]);
  const positions: DefiPosition[] = results.flat();
  return { positions, slot: highestSlot(rpc), rpcCalls: { ...rpc.calls }, wire: rpc.wire };
}
