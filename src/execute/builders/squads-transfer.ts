// transfer of an SPL token or SOL out of a Squads v4 vault: spending_limit_use signed by the
// agent as a member of a spending limit. Found without configuration: the limits of the mint
// (the mint sits at a fixed offset of the SpendingLimit account; SOL limits carry the default
// key) that name the agent and whose vault is a treasury owner. The limit whose destinations allow the recipient and whose remaining amount
// (reset applied, as the program does) covers the most is used; the executor re-reads it right
// before signing and refuses what it cannot cover. The program itself refuses the rest.
import { ASSOCIATED_TOKEN_PROGRAM_ID, createAssociatedTokenAccountIdempotentInstruction } from '@solana/spl-token';
import { PublicKey, SYSVAR_CLOCK_PUBKEY } from '@solana/web3.js';
import * as squads from '@sqds/multisig';
import bs58 from 'bs58';
import { associatedTokenAddress } from '../../chain/derived-address.js';
import { rpcCall } from '../../chain/index.js';
import {
  SQUADS_PROGRAM_ID,
  clockUnixTimestamp,
  decodeSpendingLimit,
  remainingAt,
  spendingLimitUseInstruction,
  vaultAddress,
  type SquadsSpendingLimit,
} from '../../squads/index.js';
import type { ResolvedAction } from '../../policy/index.js';
import type { BuildContext, BuildResult } from './types.js';
import { decodeTokenAccount, getMultipleAccounts } from './token-accounts.js';

/** SpendingLimit: discriminator 8, multisig 32, create key 32, vault index 1, then the mint. */
const MINT_OFFSET = 73;
/** SpendingLimit: the multisig right after the discriminator. */
const MULTISIG_OFFSET = 8;

/**
 * The agent's spending limits of `mint` in the treasury's own multisig (the agent file's
 * `treasury.squads`): one listing filtered to that multisig and mint, and the Clock for the
 * program's reset. Without a multisig nothing is read: the treasury is no Squads vault.
 */
export async function findAgentSpendingLimits(ctx: BuildContext, mint: PublicKey): Promise<{ limits: SquadsSpendingLimit[]; now: bigint }> {
  if (!ctx.squadsMultisig) return { limits: [], now: 0n };
  const multisig = ctx.squadsMultisig;
  const accounts = await rpcCall('getProgramAccounts', ctx.endpoint, () =>
    ctx.connection.getProgramAccounts(SQUADS_PROGRAM_ID, {
      commitment: 'confirmed',
      filters: [
        { memcmp: { offset: 0, bytes: bs58.encode(Buffer.from(squads.generated.spendingLimitDiscriminator)) } },
        { memcmp: { offset: MULTISIG_OFFSET, bytes: multisig } },
        { memcmp: { offset: MINT_OFFSET, bytes: mint.toBase58() } },
      ],
    }),
  );
  const agent = ctx.agent.toBase58();
  const limits = accounts
    .map(({ pubkey, account }) => decodeSpendingLimit(pubkey, account))
    .filter((limit) => limit.members.includes(agent))
    .filter((limit) => ctx.context.treasuryAddresses.has(vaultOf(limit).toBase58()));
  const [clock] = await getMultipleAccounts(ctx.connection, ctx.endpoint, [SYSVAR_CLOCK_PUBKEY], ctx.retry);
  return { limits, now: clockUnixTimestamp(clock ?? null) };
}

export const vaultOf = (limit: Pick<SquadsSpendingLimit, 'multisig' | 'vaultIndex'>): PublicKey =>
  vaultAddress(new PublicKey(limit.multisig), limit.vaultIndex);

/** `token`: the mint and its token program, or null for SOL (paid from the vault's lamports to the wallet itself). */
export async function buildSquadsTransfer(
  action: Extract<ResolvedAction, { kind: 'transfer' }>,
  ctx: BuildContext,
  token: { mint: PublicKey; program: PublicKey } | null,
): Promise<BuildResult | null> {
  const { limits, now } = await findAgentSpendingLimits(ctx, token?.mint ?? PublicKey.default);
  // None: not a Squads treasury, or no limit names the agent (the delegate refusal then says what to grant).
  if (limits.length === 0) return null;
  const recipient = new PublicKey(action.to);
  const [toInfo] = token ? await getMultipleAccounts(ctx.connection, ctx.endpoint, [recipient], ctx.retry) : [null];
  const toAccount = toInfo ? decodeTokenAccount(recipient, toInfo) : undefined;
  if (token && toAccount && !toAccount.mint.equals(token.mint)) {
    return {
      kind: 'refused',
      reason: `${action.to} is a token account of mint ${toAccount.mint.toBase58()}, not ${action.token.symbol}`,
      hint: 'send to the wallet address or its account for this token',
    };
  }
  // spending_limit_use compares the wallet that owns the destination token account.
  const wallet = toAccount ? toAccount.owner : recipient;
  const usable = limits.filter((limit) => limit.destinations.length === 0 || limit.destinations.includes(wallet.toBase58()));
  if (usable.length === 0) {
    return {
      kind: 'refused',
      reason: `no Squads spending limit of the agent for ${action.token.symbol} may pay ${wallet.toBase58()} (${limits.length} limit(s) name other destinations)`,
      hint: 'the destination must be on the limit: `steward grant --squads MULTISIG` compiles the policy allow-list into the limits',
    };
  }
  const best = usable.reduce((a, b) => (remainingAt(b, now) > remainingAt(a, now) ? b : a));
  const vault = vaultOf(best);
  const use = (extra: Pick<Parameters<typeof spendingLimitUseInstruction>[0], 'token'>) =>
    spendingLimitUseInstruction({
      multisig: new PublicKey(best.multisig),
      member: ctx.agent,
      spendingLimit: new PublicKey(best.address),
      vault,
      destination: wallet,
      amount: action.amount,
      decimals: action.token.decimals,
      ...extra,
    });
  let instructions;
  if (token) {
    const { mint, program } = token;
    const vaultTokenAccount = associatedTokenAddress(mint, vault, true, program, ASSOCIATED_TOKEN_PROGRAM_ID);
    const destinationTokenAccount = toAccount
      ? recipient
      : associatedTokenAddress(mint, wallet, true, program, ASSOCIATED_TOKEN_PROGRAM_ID);
    instructions = [
      ...(toAccount
        ? []
        : [
            createAssociatedTokenAccountIdempotentInstruction(
              ctx.agent,
              destinationTokenAccount,
              wallet,
              mint,
              program,
              ASSOCIATED_TOKEN_PROGRAM_ID,
            ),
          ]),
      use({ token: { mint, vaultTokenAccount, destinationTokenAccount, tokenProgram: program } }),
    ];
  } else {
    instructions = [use({})];
  }
  const remaining = remainingAt(best, now);
  return {
    kind: 'instructions',
    instructions,
    lookupTables: [],
    allowance: {
      account: best.address,
      symbol: action.token.symbol,
      decimals: action.token.decimals,
      needed: action.amount,
      remaining,
      remedy:
        'the multisig must raise the spending limit (or wait for its reset): `steward grant --squads MULTISIG` prints the config transaction',
    },
    notes: [
      `Squads spending limit ${best.address} (${best.amount} per ${best.period}, ${remaining} left now) of vault ${vault.toBase58()}, via spending_limit_use`,
    ],
  };
}
