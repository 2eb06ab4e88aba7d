// One call that reads every supported protocol's positions for a set of treasury owners, all
// protocols in parallel: MarginFi (1 getProgramAccounts per owner + 1 getMultipleAccounts) and
// Orca Whirlpools (2 getProgramAccounts per owner + up to 3 getMultipleAccounts), and the stake
// pools of held liquid-staking tokens when given (1 getMultipleAccounts for all of them).
import type { Connection } from '@solana/web3.js';
import { readMarginfiPositions } from './marginfi.js';
import { readWhirlpoolPositions } from './orca-whirlpools.js';
import { readStakePoolPositions } from './spl-stake-pool.js';
import { highestSlot, positionRpc } from './rpc.js';
import type { DefiPosition, ReadPositionsParams, ReadPositionsResult } from './types.js';

export async function readPositions(connection: Connection, params: ReadPositionsParams): Promise<ReadPositionsResult> {
  const rpc = positionRpc(connection, params.commitment ?? 'confirmed');
  const results = await Promise.all([
    readMarginfiPositions(rpc, params.owners),
    readWhirlpoolPositions(rpc, params.owners),
    readStakePoolPositions(rpc, params.stakePools ?? []),
  ]);
  const positions: DefiPosition[] = results.flat();
  return { positions, slot: highestSlot(rpc), rpcCalls: { ...rpc.calls } };
}
