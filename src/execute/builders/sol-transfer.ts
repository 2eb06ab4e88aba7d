// SOL transfers come from a Squads vault through a spending limit that names the agent, when the
// treasury is such a vault and the multisig granted one (./squads-transfer.ts); otherwise from the
// agent's own SOL float, not from the treasury.
//
// Trade-off (docs/EXECUTION.md): the delegate model has no native-SOL form. The alternatives
// were (a) the treasury wraps SOL into a wSOL token account and approves the agent, which keeps
// the on-chain allowance but pays recipients in wSOL they must unwrap, and makes the treasury
// hold a second SOL position; or (b) the DAO funds a small float on the agent key by proposal.
// We implement (b): the float's balance is the on-chain bound (the agent cannot move lamports it
// does not hold), recipients get plain SOL, and the float is topped up by the DAO like any
// payment. The fee reserve is kept back so the agent can still pay for transactions.
import { PublicKey, SystemProgram } from '@solana/web3.js';
import { formatAmount } from '../../shared/index.js';
import { rpcCall } from '../../chain/rpc.js';
import type { BuildContext, BuildResult } from './types.js';
import { buildSquadsTransfer } from './squads-transfer.js';
import type { ResolvedAction } from '../../policy/index.js';

export async function buildSolTransfer(action: Extract<ResolvedAction, { kind: 'transfer' }>, ctx: BuildContext): Promise<BuildResult> {
  const viaLimit = await buildSquadsTransfer(action, ctx, null);
  if (viaLimit) return viaLimit;
  const balance = BigInt(await rpcCall('getBalance', ctx.endpoint, () => ctx.connection.getBalance(ctx.agent, 'confirmed'), ctx.retry));
  const spendable = balance > ctx.solFeeReserveLamports ? balance - ctx.solFeeReserveLamports : 0n;
  return {
    kind: 'instructions',
    instructions: [SystemProgram.transfer({ fromPubkey: ctx.agent, toPubkey: new PublicKey(action.to), lamports: action.amount })],
    lookupTables: [],
    allowance: {
      account: ctx.agent.toBase58(),
      symbol: 'SOL',
      decimals: 9,
      needed: action.amount,
      remaining: spendable,
      remedy: `the agent's SOL float holds ${formatAmount(balance, 9)} SOL (${formatAmount(ctx.solFeeReserveLamports, 9)} kept for fees): the DAO must top it up by proposal`,
    },
    notes: [`paid from the agent's SOL float ${ctx.agent.toBase58()}`],
  };
}
