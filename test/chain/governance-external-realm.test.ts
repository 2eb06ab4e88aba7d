// A realm Steward did not make: created on the real SPL Governance program with the SDK (random
// proposal seed, its own name, mint, rules and a SOL treasury), through JSON-RPC as any client
// would. `steward review --all` with an agent file naming that realm reads and reviews it the
// same way as the demo: the reader depends on the program's layouts, not on the demo's choices,
// and the proposal's payment runs through the program's own ExecuteTransaction.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BN from 'bn.js';
import {
  MintMaxVoteWeightSource,
  VoteType,
  createInstructionData,
  getTokenOwnerRecordAddress,
  withCreateGovernance,
  withCreateNativeTreasury,
  withCreateProposal,
  withCreateRealm,
  withDepositGoverningTokens,
  withInsertTransaction,
  withSignOffProposal,
} from '@solana/spl-governance';
import { createMint, getOrCreateAssociatedTokenAccount, mintTo } from '@solana/spl-token';
import {
  Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  SystemProgram,
  Transaction,
  sendAndConfirmTransaction,
  type TransactionInstruction,
} from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnEmbeddedChain, type EmbeddedChainChild } from '../../src/chain/index.js';
import { GOVERNANCE_PROGRAM_ID, demoGovernanceConfig } from '../../src/demo/index.js';
import { describeRealmVoters, type RealmView } from '../../src/governance/index.js';
import { runCli } from '../helpers/cli.js';
import { governanceProgram, NO_GOVERNANCE_PROGRAM } from '../helpers/programs.js';
import { tempDir } from '../helpers/tmp.js';

const ROOT = join(import.meta.dirname, '../..');
const PROGRAM = GOVERNANCE_PROGRAM_ID;

describe.skipIf(!governanceProgram)(`a realm created outside Steward, reviewed ${NO_GOVERNANCE_PROGRAM}`, () => {
  let chain: EmbeddedChainChild;
  let connection: Connection;
  const founder = Keypair.generate();
  const contractor = Keypair.generate().publicKey;
  let realm: import('@solana/web3.js').PublicKey;
  let nativeTreasury: import('@solana/web3.js').PublicKey;
  let proposal: import('@solana/web3.js').PublicKey;
  let mint: import('@solana/web3.js').PublicKey;

  const send = (instructions: TransactionInstruction[]) =>
    sendAndConfirmTransaction(connection, new Transaction().add(...instructions), [founder], { commitment: 'confirmed' });

  beforeAll(async () => {
    chain = await spawnEmbeddedChain({ demo: false, programs: [{ id: PROGRAM.toBase58(), path: governanceProgram!.path }] });
    connection = new Connection(chain.url, { commitment: 'confirmed', wsEndpoint: chain.wsUrl });
    await connection.confirmTransaction(await connection.requestAirdrop(founder.publicKey, 200 * LAMPORTS_PER_SOL), 'confirmed');
    mint = await createMint(connection, founder, founder.publicKey, null, 0);
    const wallet = await getOrCreateAssociatedTokenAccount(connection, founder, mint, founder.publicKey);
    await mintTo(connection, founder, mint, wallet.address, founder, 1_000);

    let ixs: TransactionInstruction[] = [];
    realm = await withCreateRealm(
      ixs,
      PROGRAM,
      3,
      `Outside DAO ${founder.publicKey.toBase58().slice(0, 8)}`,
      founder.publicKey,
      mint,
      founder.publicKey,
      undefined,
      MintMaxVoteWeightSource.FULL_SUPPLY_FRACTION,
      new BN(1),
    );
    await withDepositGoverningTokens(
      ixs,
      PROGRAM,
      3,
      realm,
      wallet.address,
      mint,
      founder.publicKey,
      founder.publicKey,
      founder.publicKey,
      new BN(1_000),
    );
    await send(ixs);
    const record = await getTokenOwnerRecordAddress(PROGRAM, realm, mint, founder.publicKey);
    ixs = [];
    const config = demoGovernanceConfig({ thresholdPercent: 60, baseVotingTime: 2 * 24 * 3600, holdUpTime: 3600, minTokensToPropose: 1n });
    const governance = await withCreateGovernance(
      ixs,
      PROGRAM,
      3,
      realm,
      Keypair.generate().publicKey,
      config,
      record,
      founder.publicKey,
      founder.publicKey,
    );
    nativeTreasury = await withCreateNativeTreasury(ixs, PROGRAM, 3, governance, founder.publicKey);
    await send(ixs);
    await send([SystemProgram.transfer({ fromPubkey: founder.publicKey, toPubkey: nativeTreasury, lamports: 50 * LAMPORTS_PER_SOL })]);

    ixs = [];
    proposal = await withCreateProposal(
      ixs,
      PROGRAM,
      3,
      realm,
      governance,
      record,
      'Pay the contractor',
      'Pays our contractor 40 SOL for the audit.',
      mint,
      founder.publicKey,
      undefined,
      VoteType.SINGLE_CHOICE,
      ['Approve'],
      true,
      founder.publicKey,
    );
    await send(ixs);
    ixs = [];
    const pay = SystemProgram.transfer({ fromPubkey: nativeTreasury, toPubkey: contractor, lamports: 40 * LAMPORTS_PER_SOL });
    await withInsertTransaction(
      ixs,
      PROGRAM,
      3,
      governance,
      proposal,
      record,
      founder.publicKey,
      0,
      0,
      3600,
      [createInstructionData(pay)],
      founder.publicKey,
    );
    withSignOffProposal(ixs, PROGRAM, 3, realm, governance, proposal, founder.publicKey, undefined, record);
    await send(ixs);
  });
  afterAll(async () => {
    await chain?.close();
  });

  it('steward review --all reads its proposal and runs its payment through ExecuteTransaction', async () => {
    const config = tempDir('steward-outside-realm-');
    mkdirSync(join(config, 'agents'));
    cpSync(join(ROOT, 'policies'), join(config, 'policies'), { recursive: true });
    const agent = readFileSync(join(ROOT, 'agents/proposal-reviewer.yaml'), 'utf8')
      .replace(/^ {2}owners: \[[^\]]*\]/m, `  owners: [${nativeTreasury.toBase58()}]`)
      .replace(/^ {2}realm: \S+/m, `  realm: ${realm.toBase58()}`)
      .replace('../schemas/', `${ROOT}/schemas/`);
    writeFileSync(join(config, 'agents/proposal-reviewer.yaml'), agent);
    const reports = join(config, 'reports');
    const saved = process.env['STEWARD_REPORTS_DIR'];
    process.env['STEWARD_REPORTS_DIR'] = reports;
    try {
      const result = await runCli([
        '--config',
        config,
        '--db',
        join(config, 'steward.db'),
        '--url',
        chain.url,
        '--log-level',
        'silent',
        'review',
        '--all',
        '--no-model',
        '--json',
      ]);
      expect(result.code, result.stderr).toBe(0);
      const parsed = JSON.parse(result.stdout) as {
        realm: RealmView;
        reviews: {
          proposal: { address: string; name: string; governingToken: string };
          flags: { id: string }[];
          simulation: { status: string; path?: string; ok?: boolean; changes?: { address: string; lamportsDelta: string }[] };
        }[];
      };
      expect(parsed.realm.address).toBe(realm.toBase58());
      // No council here: the founder's community deposit is all the power there is, and the proposal is a community vote.
      expect(parsed.realm.council).toBeNull();
      expect(parsed.realm.community).toMatchObject({ mint: mint.toBase58(), decimals: 0, supply: '1000', deposited: '1000', holders: 1 });
      expect(parsed.realm.community.members.map((m) => m.owner)).toEqual([founder.publicKey.toBase58()]);
      expect(describeRealmVoters(parsed.realm).at(-1)).toBe('no council mint: only community tokens vote');
      expect(parsed.reviews).toHaveLength(1);
      const [review] = parsed.reviews;
      expect(review?.proposal).toMatchObject({ address: proposal.toBase58(), name: 'Pay the contractor', governingToken: 'community' });
      expect(review?.flags.map((f) => f.id)).toContain('new-destination');
      expect(review?.simulation).toMatchObject({ status: 'simulated', path: 'program', ok: true });
      const treasuryChange = review?.simulation.changes?.find((c) => c.address === nativeTreasury.toBase58());
      expect(treasuryChange?.lamportsDelta).toBe(String(-40n * BigInt(LAMPORTS_PER_SOL)));
      const paid = review?.simulation.changes?.find((c) => c.address === contractor.toBase58());
      expect(paid?.lamportsDelta).toBe(String(40n * BigInt(LAMPORTS_PER_SOL)));
    } finally {
      if (saved === undefined) delete process.env['STEWARD_REPORTS_DIR'];
      else process.env['STEWARD_REPORTS_DIR'] = saved;
    }
  });
});
