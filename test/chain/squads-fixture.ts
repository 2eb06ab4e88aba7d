// A chain with the real Squads v4 program (../shared/programs in CI), in a child process (the
// program's transfers are CPIs: LiteSVM must not run in the test's own process, see
// src/chain/embedded/child.ts). The global ProgramConfig is written once (on mainnet a
// privileged initializer did); everything after goes through the program: the multisig by
// multisig_create_v2, limits by config transactions its members propose, approve and execute.
import { ASSOCIATED_TOKEN_PROGRAM_ID, TOKEN_PROGRAM_ID, createAssociatedTokenAccountIdempotentInstruction, createMint, getAssociatedTokenAddressSync, mintTo } from '@solana/spl-token';
import { Connection, Keypair, LAMPORTS_PER_SOL, PublicKey, SendTransactionError, Transaction, type TransactionInstruction } from '@solana/web3.js';
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
import { demoKeypair } from '../../src/demo/index.js';
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
  trySend(signers: Keypair[], instructions: TransactionInstruction[]): Promise<{ ok: true; signature: string } | { ok: false; logs: string[]; message: string }>;
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
  const written = await rpc(chain.url, 'steward_setAccount', [config.address.toBase58(), { lamports: 10_000_000, data: [config.data.toString('base64'), 'base64'], owner: config.owner.toBase58(), executable: false }]);
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
    configAuthority: null,
  });
  await send([payer, createKey], [instruction]);
  const vault = vaultAddress(multisig, 0);
  const vaultAccounts = {
    USDC: getAssociatedTokenAddressSync(mints.USDC, vault, true, TOKEN_PROGRAM_ID, ASSOCIATED_TOKEN_PROGRAM_ID),
    JUP: getAssociatedTokenAddressSync(mints.JUP, vault, true, TOKEN_PROGRAM_ID, ASSOCIATED_TOKEN_PROGRAM_ID),
  };
  await send(
    [payer],
    (['USDC', 'JUP'] as const).map((symbol) => createAssociatedTokenAccountIdempotentInstruction(payer.publicKey, vaultAccounts[symbol], vault, mints[symbol])),
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
