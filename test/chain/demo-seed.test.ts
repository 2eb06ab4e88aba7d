// The demo DAO on the real embedded chain: what the seed injects must be what the programs
// themselves would have written (checked against the real Token-2022, ATA and Stake programs),
// the agent's allowance must hold on-chain, and every account must parse back.
import '../../src/chain/embedded/v8-flags.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  Authorized,
  Keypair,
  LAMPORTS_PER_SOL,
  Lockup,
  PublicKey,
  StakeProgram,
  Transaction,
  type TransactionInstruction,
} from '@solana/web3.js';
import {
  TOKEN_2022_PROGRAM_ID,
  createAssociatedTokenAccountInstruction,
  createTransferCheckedInstruction,
  getAssociatedTokenAddressSync,
  unpackAccount,
  unpackMint,
} from '@solana/spl-token';
import {
  GovernanceAccountParser,
  Proposal,
  ProposalState,
  ProposalTransaction,
  Realm,
  Governance,
  TokenOwnerRecord,
} from '@solana/spl-governance';
import { PriceStatus, parsePriceData } from '@pythnetwork/client';
import { EmbeddedChain, createConnection, startEmbeddedChain, type RunningEmbeddedChain } from '../../src/chain/index.js';
import { GOVERNANCE_PROGRAM_ID, PYTH_PROGRAM_ID } from '../../src/demo/index.js';
import {
  DEMO,
  DEMO_MINTS,
  demoKeypair,
  refreshDemoPrices,
  seedDemoDao,
  startDemoOracle,
  type DemoDao,
  type DemoSymbol,
} from '../../src/demo/index.js';
import { encodeStakeAccount } from '../../src/demo/seed/stake.js';
import { encodeTokenAccount } from '../../src/demo/seed/token-layouts.js';
import { rentExemptLamports } from '../../src/demo/seed/rent.js';

let running: RunningEmbeddedChain;
let chain: EmbeddedChain;
let dao: DemoDao;
const agent = demoKeypair('agent');

function send(instructions: TransactionInstruction[], signers: Keypair[]) {
  const [payer] = signers;
  if (!payer) throw new Error('a transaction needs a fee payer');
  const tx = new Transaction().add(...instructions);
  tx.feePayer = payer.publicKey;
  tx.recentBlockhash = chain.latestBlockhash();
  tx.sign(...signers);
  return chain.processTransaction(tx);
}

function account(address: PublicKey) {
  const found = chain.getAccount(address);
  if (!found) throw new Error(`account ${address.toBase58()} was not seeded`);
  return { ...found, data: Buffer.from(found.data), lamports: Number(found.lamports), executable: false };
}

beforeAll(async () => {
  running = await startEmbeddedChain({ autoAdvance: false });
  chain = running.chain;
  dao = await seedDemoDao(chain);
});
afterAll(async () => running.close());

describe('demo DAO on the embedded chain', () => {
  it('is deterministic: the same clock gives the same bytes', async () => {
    const other = new EmbeddedChain({ autoAdvance: false });
    try {
      const again = await seedDemoDao(other, { clock: dao.clock });
      expect(again.accounts.map(String)).toEqual(dao.accounts.map(String));
      for (const address of dao.accounts) {
        expect(
          Buffer.from(other.getAccount(address)?.data ?? []).equals(Buffer.from(chain.getAccount(address)?.data ?? [0])),
          address.toBase58(),
        ).toBe(true);
      }
    } finally {
      other.close();
    }
  });

  it('holds a few million USD of tokens, every mint and account parsing with spl-token', () => {
    for (const symbol of Object.keys(DEMO_MINTS) as DemoSymbol[]) {
      const program = DEMO_MINTS[symbol].program;
      const mint = unpackMint(DEMO.mints[symbol], account(DEMO.mints[symbol]), program);
      expect(mint.decimals).toBe(DEMO_MINTS[symbol].decimals);
      const treasury = unpackAccount(DEMO.treasuryTokenAccounts[symbol], account(DEMO.treasuryTokenAccounts[symbol]), program);
      expect(treasury.owner.equals(DEMO.nativeTreasury)).toBe(true);
      expect(treasury.amount).toBe(dao.tokens.treasury[symbol].amount);
    }
    expect(dao.tokens.treasury.USDC.amount).toBe(1_200_000_000_000n);
    expect(chain.getAccount(DEMO.nativeTreasury)?.lamports).toBe(5_000n * BigInt(LAMPORTS_PER_SOL));
    expect(chain.getAccount(DEMO.strangerUsdcAccount)).toBeNull();
  });

  it('publishes Pyth prices that parse: fresh ones at the clock, JUP stale, USDT depegged', () => {
    const slot = Number(chain.clock().slot);
    const sol = parsePriceData(account(DEMO.priceAccounts.SOL).data, slot);
    expect(sol.status).toBe(PriceStatus.Trading);
    expect(sol.price).toBeCloseTo(150, 6);
    expect(parsePriceData(account(DEMO.priceAccounts.USDT).data, slot).price).toBeCloseTo(0.9915, 6);
    const jup = parsePriceData(account(DEMO.priceAccounts.JUP).data);
    expect(dao.clock.unixTimestamp - jup.timestamp).toBe(3_600n);
    chain.advanceSlots(100);
    refreshDemoPrices(chain);
    const now = chain.clock();
    const fresh = parsePriceData(account(DEMO.priceAccounts.SOL).data, Number(now.slot));
    expect(fresh.aggregate.publishSlot).toBe(Number(now.slot));
    expect(fresh.timestamp).toBe(now.unixTimestamp);
    expect(parsePriceData(account(DEMO.priceAccounts.JUP).data).timestamp).toBe(jup.timestamp);
  });

  it('holds a Realms DAO whose accounts parse with spl-governance, proposals in Voting', () => {
    const parse = <T>(cls: unknown, address: PublicKey): T => GovernanceAccountParser(cls as never)(address, account(address)).account as T;
    expect(parse<Realm>(Realm, DEMO.realm).name).toBe('Steward Demo DAO');
    expect(parse<Realm>(Realm, DEMO.realm).config.councilMint?.equals(DEMO.councilMint)).toBe(true);
    for (const member of ['alice', 'bob', 'carol'] as const) {
      const seat = parse<TokenOwnerRecord>(TokenOwnerRecord, DEMO.councilTokenOwnerRecords[member]);
      expect(seat.governingTokenMint.equals(DEMO.councilMint)).toBe(true);
      expect(seat.governingTokenDepositAmount.toString()).toBe('1');
    }
    expect(parse<Governance>(Governance, DEMO.governance).realm.equals(DEMO.realm)).toBe(true);
    expect(dao.governance.proposals).toHaveLength(5);
    for (const seeded of dao.governance.proposals) {
      const proposal = parse<Proposal>(Proposal, seeded.address);
      expect(proposal.state).toBe(ProposalState.Voting);
      expect(proposal.governance.equals(DEMO.governance)).toBe(true);
      expect(proposal.getYesVoteCount().toString()).toBe(seeded.yesVotes.toString());
      for (const transaction of seeded.transactions) {
        const parsed = parse<ProposalTransaction>(ProposalTransaction, transaction.address);
        expect(parsed.proposal.equals(seeded.address)).toBe(true);
        expect(parsed.getAllInstructions()).toHaveLength(transaction.instructions.length);
      }
    }
    const injection = dao.governance.proposals.find((p) => p.key === 'injection');
    expect(injection && injection.votingEndsAt - dao.clock.unixTimestamp).toBe(600n);
    expect(injection && injection.yesVotes >= dao.governance.passingVotes).toBe(true);
  });

  it('serves every seeded account over JSON-RPC, byte for byte', async () => {
    const connection = createConnection(running.url);
    for (let start = 0; start < dao.accounts.length; start += 100) {
      const batch = dao.accounts.slice(start, start + 100);
      const infos = await connection.getMultipleAccountsInfo(batch);
      infos.forEach((info, index) => {
        const address = batch[index] as PublicKey;
        const local = chain.getAccount(address);
        expect(info, address.toBase58()).not.toBeNull();
        expect(Buffer.from(info?.data ?? []).equals(Buffer.from(local?.data ?? [0])), address.toBase58()).toBe(true);
        expect(info?.owner.equals(local?.owner ?? PublicKey.default)).toBe(true);
        expect(BigInt(info?.lamports ?? 0)).toBe(local?.lamports);
      });
    }
    // Realm, realm config, governance, 3 community and 3 council token owner records, 5 proposals, 5 proposal transactions.
    const governance = await connection.getProgramAccounts(GOVERNANCE_PROGRAM_ID);
    expect(governance).toHaveLength(19);
    const proposals = governance
      .filter(({ account }) => account.data[0] === 14)
      .map(({ account, pubkey }) => GovernanceAccountParser(Proposal)(pubkey, account).account as Proposal);
    expect(proposals.map((p) => p.name).sort()).toEqual(dao.governance.proposals.map((p) => p.name).sort());
    const prices = await connection.getProgramAccounts(PYTH_PROGRAM_ID);
    expect(prices.map(({ pubkey }) => pubkey.toBase58()).sort()).toEqual(Object.values(DEMO.priceAccounts).map(String).sort());
    for (const { account } of prices) expect(parsePriceData(account.data).aggregate.status).toBe(PriceStatus.Trading);
  });

  it('lets the agent spend within its USDC allowance and the token program refuses more', () => {
    const before = unpackAccount(DEMO.treasuryTokenAccounts.USDC, account(DEMO.treasuryTokenAccounts.USDC));
    expect(before.delegate?.equals(DEMO.agent)).toBe(true);
    expect(before.delegatedAmount).toBe(50_000_000_000n);
    send(
      [
        createTransferCheckedInstruction(
          DEMO.treasuryTokenAccounts.USDC,
          DEMO.mints.USDC,
          DEMO.granteeUsdcAccount,
          DEMO.agent,
          1_000_000_000n,
          6,
        ),
      ],
      [agent],
    );
    const after = unpackAccount(DEMO.treasuryTokenAccounts.USDC, account(DEMO.treasuryTokenAccounts.USDC));
    expect(after.amount).toBe(before.amount - 1_000_000_000n);
    expect(after.delegatedAmount).toBe(49_000_000_000n);
    expect(() =>
      send(
        [
          createTransferCheckedInstruction(
            DEMO.treasuryTokenAccounts.USDC,
            DEMO.mints.USDC,
            DEMO.granteeUsdcAccount,
            DEMO.agent,
            49_000_000_001n,
            6,
          ),
        ],
        [agent],
      ),
    ).toThrow(expect.objectContaining({ code: 'CHAIN_FAILED' }));
  });

  it('writes a stake delegation exactly as the Stake program does, to the injected V3 vote account', () => {
    const payer = Keypair.generate();
    const stake = Keypair.generate();
    const staker = Keypair.generate();
    chain.airdrop(payer.publicKey, 10n * BigInt(LAMPORTS_PER_SOL));
    chain.airdrop(staker.publicKey, BigInt(LAMPORTS_PER_SOL));
    const lamports = 5 * LAMPORTS_PER_SOL;
    send(
      StakeProgram.createAccount({
        fromPubkey: payer.publicKey,
        stakePubkey: stake.publicKey,
        authorized: new Authorized(staker.publicKey, staker.publicKey),
        lockup: new Lockup(0, 0, PublicKey.default),
        lamports,
      }).instructions,
      [payer, stake],
    );
    send(
      StakeProgram.delegate({ stakePubkey: stake.publicKey, authorizedPubkey: staker.publicKey, votePubkey: DEMO.voteAccount })
        .instructions,
      [staker],
    );
    const ours = encodeStakeAccount({
      staker: staker.publicKey,
      withdrawer: staker.publicKey,
      voteAccount: DEMO.voteAccount,
      stake: BigInt(lamports) - rentExemptLamports(200),
      activationEpoch: chain.clock().slot / 432_000n,
    });
    expect(Buffer.from(chain.getAccount(stake.publicKey)?.data ?? []).equals(Buffer.from(ours))).toBe(true);
    const treasuryStake = chain.getAccount(DEMO.stakeAccount);
    expect(treasuryStake?.owner.equals(StakeProgram.programId)).toBe(true);
    expect(treasuryStake?.lamports).toBe(3_000n * BigInt(LAMPORTS_PER_SOL) + rentExemptLamports(200));
  });

  // Tests that run a CPI (the ATA program calling Token-2022) go last: on this LiteSVM build a
  // CPI can corrupt JS state of the process afterwards (bn.js arithmetic on older objects
  // returned NaN), even with --no-allocation-site-pretenuring. Reported to the chain owner.
  it('writes Token-2022 associated accounts exactly as the ATA program does', () => {
    const payer = Keypair.generate();
    chain.airdrop(payer.publicKey, BigInt(LAMPORTS_PER_SOL));
    const owner = Keypair.generate().publicKey;
    const ata = getAssociatedTokenAddressSync(DEMO.mints.PYUSD, owner, false, TOKEN_2022_PROGRAM_ID);
    send([createAssociatedTokenAccountInstruction(payer.publicKey, ata, owner, DEMO.mints.PYUSD, TOKEN_2022_PROGRAM_ID)], [payer]);
    const real = chain.getAccount(ata);
    const ours = encodeTokenAccount({
      mint: DEMO.mints.PYUSD,
      owner,
      amount: 0n,
      extensions: { immutableOwner: true, transferFeeAmount: true },
    });
    expect(Buffer.from(real?.data ?? []).equals(Buffer.from(ours))).toBe(true);
    expect(real?.lamports).toBe(rentExemptLamports(ours.length));
  });
});

describe('demo oracle', () => {
  it('re-publishes live prices on its interval until stopped, leaving JUP stale', () => {
    vi.useFakeTimers();
    try {
      const oracle = startDemoOracle(chain, { intervalMs: 1_000 });
      const publishSlot = (address: PublicKey) => parsePriceData(account(address).data).aggregate.publishSlot;
      const jupBefore = publishSlot(DEMO.priceAccounts.JUP);
      chain.advanceSlots(10);
      vi.advanceTimersByTime(1_000);
      expect(publishSlot(DEMO.priceAccounts.SOL)).toBe(Number(chain.clock().slot));
      expect(publishSlot(DEMO.priceAccounts.JUP)).toBe(jupBefore);
      oracle.stop();
      chain.advanceSlots(10);
      vi.advanceTimersByTime(5_000);
      expect(publishSlot(DEMO.priceAccounts.SOL)).toBe(Number(chain.clock().slot) - 10);
    } finally {
      vi.useRealTimers();
    }
  });
});
