// stake: DelegateStake of an undelegated treasury stake account whose stake authority the
// treasury delegated to the agent, holding exactly the amount to stake. The agent cannot move
// treasury SOL into a new stake account (it owns none of it), so staking means pointing stake
// the DAO prepared at a validator; anything else is refused with what the DAO must do.
import { PublicKey, StakeProgram } from '@solana/web3.js';
import { formatAmount } from '../../shared/index.js';
import type { Builder, BuildResult } from './types.js';
import { rpcCall } from '../../chain/rpc.js';
import { decodeStake, type StakeView } from './stake-accounts.js';

export const buildStake: Builder<'stake'> = async (action, ctx): Promise<BuildResult> => {
  // Stake accounts whose stake authority is the agent (offset 12 in the Meta).
  const accounts = await rpcCall(
    'getProgramAccounts',
    ctx.endpoint,
    () =>
      ctx.connection.getProgramAccounts(StakeProgram.programId, {
        commitment: 'confirmed',
        filters: [{ memcmp: { offset: 12, bytes: ctx.agent.toBase58() } }],
      }),
    ctx.retry,
  );
  const views = accounts
    .map((a) => decodeStake(a.pubkey, a.account))
    .filter((v): v is StakeView => v !== undefined && ctx.context.treasuryAddresses.has(v.withdrawer.toBase58()));
  const ready = views.filter((v) => v.state === 'initialized');
  const match = ready.find((v) => v.lamports - v.rentExemptReserve === action.amount);
  if (!match) {
    const offered =
      ready.map((v) => `${v.address.toBase58()} (${formatAmount(v.lamports - v.rentExemptReserve, 9)} SOL)`).join(', ') || 'none';
    return {
      kind: 'refused',
      reason: `no undelegated treasury stake account with stake authority delegated to the agent holds exactly ${formatAmount(action.amount, 9)} SOL (available: ${offered})`,
      hint: 'the DAO must create and fund a stake account (withdrawer: treasury, staker: the agent key) by proposal; the agent then delegates it',
    };
  }
  const ix = StakeProgram.delegate({
    stakePubkey: match.address,
    authorizedPubkey: ctx.agent,
    votePubkey: new PublicKey(action.validator),
  }).instructions;
  return {
    kind: 'instructions',
    instructions: ix,
    lookupTables: [],
    allowance: undefined,
    notes: [`delegates ${match.address.toBase58()} to ${action.validator}`],
  };
};
