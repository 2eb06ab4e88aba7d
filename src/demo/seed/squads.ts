// Part of the demo DAO's treasury in a Squads v4 vault, made by the Squads program itself where the
// embedded chain runs it: the global ProgramConfig written once (on mainnet a privileged
// initializer did), then the multisig created by multisig_create_v2 (alice, bob and carol vote;
// threshold 2; a one-hour time lock; the DAO's Squads operator key only proposes and executes and
// pays the rent), USDC minted into the vault by the mint authority, and a spending limit for the
// agent key (USDC per Day, to the grantee only) added by a config transaction the members approve
// and that executes after the time lock. Where the program is absent the demo has no vault.
import {
  ASSOCIATED_TOKEN_PROGRAM_ID,
  TOKEN_PROGRAM_ID,
  createAssociatedTokenAccountIdempotentInstruction,
  createMintToCheckedInstruction,
  getAssociatedTokenAddressSync,
} from '@solana/spl-token';
import { LAMPORTS_PER_SOL, type PublicKey, Transaction, type Keypair, type TransactionInstruction } from '@solana/web3.js';
import type { ChainClock, ChainWriter } from '../../chain/embedded/types.js';
import { StewardError } from '../../errors/index.js';
import {
  SQUADS_PROGRAM_ID,
  approveInstruction,
  createMultisigInstruction,
  executeConfigInstruction,
  multisigAddress,
  planConfigTransaction,
  programConfigAccount,
  spendingLimitAddress,
  vaultAddress,
} from '../../squads/index.js';
import { DEMO, DEMO_MINTS, demoKeypair } from '../addresses.js';

/** What the demo vault holds and what the agent may spend from it. */
export const DEMO_SQUADS = {
  /** USDC in the vault (whole tokens). */
  vaultUsdc: 300_000n,
  /** The agent's spending limit: USDC per Day, to the grantee only. */
  limitUsdcPerDay: 2_000n,
  timeLockSeconds: 3_600,
  threshold: 2,
} as const;

const createKey = demoKeypair('squads/create-key');
const limitCreateKey = demoKeypair('squads/limit/USDC');
const multisig = multisigAddress(createKey.publicKey);
const vault = vaultAddress(multisig, 0);

/** The demo's Squads addresses (fixed: derived from public seeds). */
export const DEMO_SQUADS_ADDRESSES = {
  multisig,
  vault,
  vaultIndex: 0,
  vaultUsdcAccount: getAssociatedTokenAddressSync(DEMO.mints.USDC, vault, true, TOKEN_PROGRAM_ID, ASSOCIATED_TOKEN_PROGRAM_ID),
  /** The agent's USDC spending limit. */
  usdcLimit: spendingLimitAddress(multisig, limitCreateKey.publicKey),
  /** Proposes and executes config transactions and pays their rent (no vote). */
  operator: demoKeypair('squads/operator').publicKey,
} as const;

export type SeededSquads = { mode: 'program'; addresses: typeof DEMO_SQUADS_ADDRESSES } | { mode: 'absent' };

const usdc = (whole: bigint) => whole * 10n ** BigInt(DEMO_MINTS.USDC.decimals);

function send(chain: ChainWriter, what: string, payer: Keypair, signers: Keypair[], instructions: TransactionInstruction[]): void {
  const tx = new Transaction({ feePayer: payer.publicKey, recentBlockhash: chain.latestBlockhash() }).add(...instructions);
  tx.sign(...new Map([payer, ...signers].map((k) => [k.publicKey.toBase58(), k])).values());
  try {
    chain.processTransaction(tx);
  } catch (error) {
    throw new StewardError(
      'CHAIN_FAILED',
      `seeding the demo Squads vault through the Squads v4 program: ${what} failed: ${(error as Error).message}`,
      {
        hint: 'the program file may not be Squads v4; load the mainnet program (steward programs pull SQDS4ep65T869zMMBKyuUq6aD6EgTu8psMjkvj52pCf) or remove it',
        context: { step: what },
        cause: error,
      },
    );
  }
}

export function seedSquadsVault(chain: ChainWriter, clock: ChainClock): SeededSquads {
  if (!chain.hasProgram(SQUADS_PROGRAM_ID)) return { mode: 'absent' };
  const operator = demoKeypair('squads/operator');
  chain.airdrop(operator.publicKey, 10n * BigInt(LAMPORTS_PER_SOL));
  const feeTreasury = demoKeypair('squads/fee-treasury').publicKey;
  const config = programConfigAccount({ authority: operator.publicKey, treasury: feeTreasury });
  chain.setAccount(config.address, { lamports: 10_000_000n, data: config.data, owner: config.owner });

  const alice = demoKeypair('member/alice');
  const bob = demoKeypair('member/bob');
  const voter = { initiate: true, vote: true, execute: true };
  const created = createMultisigInstruction({
    createKey: createKey.publicKey,
    creator: operator.publicKey,
    programTreasury: feeTreasury,
    members: [
      { key: DEMO.members.alice, ...voter },
      { key: DEMO.members.bob, ...voter },
      { key: DEMO.members.carol, ...voter },
      { key: operator.publicKey, initiate: true, vote: false, execute: true },
    ],
    threshold: DEMO_SQUADS.threshold,
    timeLockSeconds: DEMO_SQUADS.timeLockSeconds,
    configAuthority: null,
  });
  const mintAuthority = demoKeypair('mint-authority');
  const { vaultUsdcAccount } = DEMO_SQUADS_ADDRESSES;
  const limit = {
    createKey: limitCreateKey.publicKey,
    vaultIndex: 0,
    mint: DEMO.mints.USDC.toBase58(),
    amount: usdc(DEMO_SQUADS.limitUsdcPerDay),
    period: 'Day' as const,
    members: [DEMO.agent],
    destinations: [DEMO.grantee] as PublicKey[],
  };
  const plan = planConfigTransaction({
    multisig,
    currentIndex: 0n,
    creator: operator.publicKey,
    changes: [{ kind: 'add', limit }],
    memo: 'demo: the agent spends USDC to the grantee',
  });
  // Created and approved two hours ago; executed once the time lock had passed.
  chain.atTime(clock.unixTimestamp - 7_200n, () => {
    send(chain, 'multisig_create_v2', operator, [createKey], [created.instruction]);
    send(
      chain,
      'fund the vault (USDC)',
      operator,
      [mintAuthority],
      [
        createAssociatedTokenAccountIdempotentInstruction(
          operator.publicKey,
          vaultUsdcAccount,
          vault,
          DEMO.mints.USDC,
          TOKEN_PROGRAM_ID,
          ASSOCIATED_TOKEN_PROGRAM_ID,
        ),
        createMintToCheckedInstruction(
          DEMO.mints.USDC,
          vaultUsdcAccount,
          mintAuthority.publicKey,
          usdc(DEMO_SQUADS.vaultUsdc),
          DEMO_MINTS.USDC.decimals,
          [],
          TOKEN_PROGRAM_ID,
        ),
      ],
    );
    send(chain, 'config transaction: add the agent spending limit', operator, [], plan.create);
    for (const member of [alice, bob])
      send(
        chain,
        `approve by ${member.publicKey.toBase58()}`,
        operator,
        [member],
        [approveInstruction(multisig, plan.transactionIndex, member.publicKey)],
      );
  });
  chain.atTime(clock.unixTimestamp - 7_200n + BigInt(DEMO_SQUADS.timeLockSeconds) + 60n, () => {
    send(
      chain,
      'config transaction: execute',
      operator,
      [],
      [executeConfigInstruction(multisig, plan.transactionIndex, operator.publicKey, plan.spendingLimits)],
    );
  });
  return { mode: 'program', addresses: DEMO_SQUADS_ADDRESSES };
}
