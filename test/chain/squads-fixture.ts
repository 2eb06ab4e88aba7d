// A chain with the real Squads v4 program (../shared/programs in CI), in a child process (the
// program's transfers are CPIs: LiteSVM must not run in the test's own process, see
// src/chain/embedded/child.ts). The global ProgramConfig is written once (on mainnet a
// privileged initializer did); everything after goes through the program: the multisig by
// multisig_create_v2, limits by config transactions its members propose, approve and execute.
import {
  ASSOCIATED_TOKEN_PROGRAM_ID,
  TOKEN_PROGRAM_ID,
  createAssociatedTokenAccountIdempotentInstruction,
  createMint,
  getAssociatedTokenAddressSync,
  mintTo,
} from '@solana/spl-token';
import {
  Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  PublicKey,
  SendTransactionError,
  Transaction,
  type TransactionInstruction,
} from '@solana/web3.js';
import { spawnEmbeddedChain, SQUADS_V4_PROGRAM_ID, type EmbeddedChainChild } from '../../src/chain/index.js';
import {
  approveInstruction,
  createMultisigInstruction,
  executeConfigInstruction,
  planConfigTransaction,
  programConfigAccount,
  readSquadsTreasury,
  vaultAddress,
  type ConfigChange,
  type MemberSpec,
} from '../../src/squads/index.js';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PYTH_PROGRAM_ID, demoKeypair } from '../../src/demo/index.js';
import { demoPriceAccountData } from '../../src/demo/seed/pyth.js';
import { rpc } from './rpc-client.js';
import { squadsProgram } from '../helpers/programs.js';

export interface SquadsChain {
  chain: EmbeddedChainChild;
  connection: Connection;
  members: { alice: Keypair; bob: Keypair; carol: Keypair };
  agent: Keypair;
  grantee: Keypair;
  mints: { USDC: PublicKey; JUP: PublicKey };
  multisig: PublicKey;
  vault: PublicKey;
  vaultAccounts: { USDC: PublicKey; JUP: PublicKey };
  send(signers: Keypair[], instructions: TransactionInstruction[]): Promise<string>;
  /** Sends and returns the program's error logs instead of throwing. */
  trySend(
    signers: Keypair[],
    instructions: TransactionInstruction[],
  ): Promise<{ ok: true; signature: string } | { ok: false; logs: string[]; message: string }>;
  /** Proposes (alice), approves (alice, bob) and executes (alice) a config transaction. */
  configure(changes: ConfigChange[]): Promise<void>;
  tokenBalance(account: PublicKey): Promise<bigint>;
  /** Moves the chain clock ahead by about `seconds`. */
  advanceSeconds(seconds: number): Promise<void>;
  close(): Promise<void>;
}

export const SQUADS_DECIMALS = { USDC: 6, JUP: 6 } as const;

export interface SquadsChainOptions {
  timeLockSeconds?: number;
  /** Makes the agent a multisig member with these permissions (a planted misconfiguration). */
  agentPermissions?: Omit<MemberSpec, 'key'>;
  /** The demo DAO's member and agent keys instead of fresh ones (so `grant --squads --execute` can sign). */
  demoKeys?: boolean;
  /** A controlled multisig: alice is its config authority (config transactions are then refused). */
  controlled?: boolean;
}

export async function startSquadsChain(options: SquadsChainOptions = {}): Promise<SquadsChain> {
  const chain = await spawnEmbeddedChain({ demo: false, programs: [{ id: SQUADS_V4_PROGRAM_ID, path: squadsProgram!.path }] });
  const connection = new Connection(chain.url, 'confirmed');
  const members = options.demoKeys
    ? { alice: demoKeypair('member/alice'), bob: demoKeypair('member/bob'), carol: demoKeypair('member/carol') }
    : { alice: Keypair.generate(), bob: Keypair.generate(), carol: Keypair.generate() };
  const agent = options.demoKeys ? demoKeypair('agent') : Keypair.generate();
  const grantee = Keypair.generate();
  const feeTreasury = Keypair.generate().publicKey;
  for (const key of [...Object.values(members), agent]) {
    await connection.confirmTransaction(await connection.requestAirdrop(key.publicKey, 20 * LAMPORTS_PER_SOL), 'confirmed');
  }
  const config = programConfigAccount({ authority: members.alice.publicKey, treasury: feeTreasury });
  const written = await rpc(chain.url, 'steward_setAccount', [
    config.address.toBase58(),
    { lamports: 10_000_000, data: [config.data.toString('base64'), 'base64'], owner: config.owner.toBase58(), executable: false },
  ]);
  if (written.error) throw new Error(`steward_setAccount: ${written.error.message}`);

  // A fresh blockhash every time: web3.js caches one, and advancing the clock expires it.
  const send = async (signers: Keypair[], instructions: TransactionInstruction[]) => {
    const { blockhash, lastValidBlockHeight } = await connection.getLatestBlockhash('confirmed');
    const tx = new Transaction({ feePayer: signers[0]!.publicKey, blockhash, lastValidBlockHeight }).add(...instructions);
    tx.sign(...signers);
    const signature = await connection.sendRawTransaction(tx.serialize());
    const { value } = await connection.confirmTransaction({ signature, blockhash, lastValidBlockHeight }, 'confirmed');
    if (value.err) throw new Error(`transaction ${signature} failed: ${JSON.stringify(value.err)}`);
    return signature;
  };
  const trySend: SquadsChain['trySend'] = async (signers, instructions) => {
    try {
      return { ok: true, signature: await send(signers, instructions) };
    } catch (error) {
      const logs = error instanceof SendTransactionError ? ((await error.getLogs(connection).catch(() => null)) ?? error.logs ?? []) : [];
      return { ok: false, logs, message: (error as Error).message };
    }
  };

  const payer = members.alice;
  const mints = {
    USDC: await createMint(connection, payer, payer.publicKey, null, SQUADS_DECIMALS.USDC),
    JUP: await createMint(connection, payer, payer.publicKey, null, SQUADS_DECIMALS.JUP),
  };
  const createKey = Keypair.generate();
  const all = { initiate: true, vote: true, execute: true };
  const { multisig, instruction } = createMultisigInstruction({
    createKey: createKey.publicKey,
    creator: payer.publicKey,
    programTreasury: feeTreasury,
    members: [
      { key: members.alice.publicKey, ...all },
      { key: members.bob.publicKey, ...all },
      { key: members.carol.publicKey, ...all },
      ...(options.agentPermissions ? [{ key: agent.publicKey, ...options.agentPermissions }] : []),
    ],
    threshold: 2,
    timeLockSeconds: options.timeLockSeconds ?? 0,
    configAuthority: options.controlled ? members.alice.publicKey : null,
  });
  await send([payer, createKey], [instruction]);
  const vault = vaultAddress(multisig, 0);
  const vaultAccounts = {
    USDC: getAssociatedTokenAddressSync(mints.USDC, vault, true, TOKEN_PROGRAM_ID, ASSOCIATED_TOKEN_PROGRAM_ID),
    JUP: getAssociatedTokenAddressSync(mints.JUP, vault, true, TOKEN_PROGRAM_ID, ASSOCIATED_TOKEN_PROGRAM_ID),
  };
  await send(
    [payer],
    (['USDC', 'JUP'] as const).map((symbol) =>
      createAssociatedTokenAccountIdempotentInstruction(payer.publicKey, vaultAccounts[symbol], vault, mints[symbol]),
    ),
  );
  await mintTo(connection, payer, mints.USDC, vaultAccounts.USDC, payer, 1_000_000_000_000n);
  await mintTo(connection, payer, mints.JUP, vaultAccounts.JUP, payer, 500_000_000_000n);

  const advanceSeconds = async (seconds: number) => {
    const answer = await rpc(chain.url, 'steward_advanceSlots', [Math.ceil((seconds * 1000) / 400)]);
    if (answer.error) throw new Error(`steward_advanceSlots: ${answer.error.message}`);
  };

  const configure = async (changes: ConfigChange[]) => {
    const state = await readSquadsTreasury(connection, { multisig, vaultIndex: 0 });
    const plan = planConfigTransaction({ multisig, currentIndex: state.transactionIndex, creator: members.alice.publicKey, changes });
    await send([members.alice], plan.create);
    await send([members.alice], [approveInstruction(multisig, plan.transactionIndex, members.alice.publicKey)]);
    await send([members.bob], [approveInstruction(multisig, plan.transactionIndex, members.bob.publicKey)]);
    if (state.timeLockSeconds > 0) await advanceSeconds(state.timeLockSeconds + 1);
    await send([members.alice], [executeConfigInstruction(multisig, plan.transactionIndex, members.alice.publicKey, plan.spendingLimits)]);
  };

  return {
    chain,
    connection,
    members,
    agent,
    grantee,
    mints,
    multisig,
    vault,
    vaultAccounts,
    send,
    trySend,
    configure,
    tokenBalance: async (account) => BigInt((await connection.getTokenAccountBalance(account, 'confirmed')).value.amount),
    advanceSeconds,
    close: () => chain.close(),
  };
}

export interface SquadsStewardConfig {
  /** The config folder (agents/, policies/), with the database beside them. */
  dir: string;
  /** A wallet on the policy's allow-list. */
  grantee: string;
}

/**
 * A Steward config for the fixture's vault: Pyth prices for USDC and JUP written to the chain,
 * a policy with a per-token (USDC 8,000 / 24h) and two USD windows paying the treasury or one
 * grantee, and an agent whose treasury is the vault of the multisig, signing with the agent key.
 */
export async function writeSquadsStewardConfig(sq: SquadsChain): Promise<SquadsStewardConfig> {
  const grantee = Keypair.generate().publicKey.toBase58();
  const priceAccounts = { USDC: Keypair.generate().publicKey, JUP: Keypair.generate().publicKey };
  const slot = await sq.connection.getSlot('confirmed');
  const clock = { slot: BigInt(slot), unixTimestamp: BigInt((await sq.connection.getBlockTime(slot)) ?? Math.floor(Date.now() / 1000)) };
  for (const symbol of ['USDC', 'JUP'] as const) {
    const data = Buffer.from(demoPriceAccountData(symbol, clock));
    const answer = await rpc(sq.chain.url, 'steward_setAccount', [
      priceAccounts[symbol].toBase58(),
      { lamports: LAMPORTS_PER_SOL, data: [data.toString('base64'), 'base64'], owner: PYTH_PROGRAM_ID.toBase58() },
    ]);
    if (answer.error) throw new Error(answer.error.message);
  }
  const dir = mkdtempSync(join(tmpdir(), 'steward-squads-'));
  mkdirSync(join(dir, 'agents'));
  mkdirSync(join(dir, 'policies'));
  writeFileSync(
    join(dir, 'policies', 'vault.yaml'),
    `name: vault
tokens:
  USDC: { mint: ${sq.mints.USDC.toBase58()}, decimals: 6, pyth: ${priceAccounts.USDC.toBase58()}, stable: true }
  JUP:  { mint: ${sq.mints.JUP.toBase58()}, decimals: 6, pyth: ${priceAccounts.JUP.toBase58()} }
limits:
  windows:
    - { window: 24h, usd: "10000", tokens: { USDC: "8000" } }
    - { window: 7d, usd: "30000" }
allow:
  actions: [transfer, none]
  destinations: [treasury, ${grantee}]
oracle: { maxStaleness: 3600s, maxConfidenceBps: 100 }
`,
  );
  writeFileSync(join(dir, 'agent.json'), JSON.stringify([...sq.agent.secretKey]));
  writeFileSync(
    join(dir, 'agents', 'vault-agent.yaml'),
    `name: vault-agent
tasks: [treasury]
policy: vault
signer: { keypair: ${join(dir, 'agent.json')} }
treasury:
  owners: [${sq.vault.toBase58()}]
  squads: { multisig: ${sq.multisig.toBase58()} }
mode: autonomous
instructions: Pay the grantee from the Squads vault within policy.
`,
  );
  return { dir, grantee };
}
