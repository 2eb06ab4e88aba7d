// The builders that the transfer and swap tests do not cover, on the real embedded chain:
// stake/unstake are refused with what the DAO must do while the treasury keeps its stake
// authority, and land once the agent holds it (delegate an undelegated treasury stake account,
// deactivate a delegated one); a vote where the governance program is not deployed ends
// `prepared`, never cast; a SOL transfer is paid from the agent's float and refused above it.
import { Keypair, LAMPORTS_PER_SOL, StakeProgram, type PublicKey } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/demo/addresses.js';
import { rentExemptLamports } from '../../src/demo/seed/rent.js';
import { STAKE_ACCOUNT_SIZE, encodeStakeAccount } from '../../src/demo/seed/stake.js';
import { approveAction, attemptsOf, readAction } from '../../src/execute/index.js';
import { decodeStake } from '../../src/execute/builders/stake-accounts.js';
import { agentKeypair, demoContext, execute, propose, startFixture, type ExecFixture } from './execute-fixture.js';

let f: ExecFixture;
const show = (value: unknown) => JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
const SOL = (whole: number) => BigInt(Math.round(whole * 1e9));

beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => {
  await f?.close();
});

const run = (id: number) => execute(f, id);

/** Stake and vote always wait for a human under the demo policy: propose, approve, execute. */
async function proposeApproveRun(payload: unknown) {
  const now = Date.now();
  const { id, verdict } = propose(f, payload, now);
  expect(verdict).toBe('needs-approval');
  expect(approveAction(f.store.db, f.policy, id, 'alice', demoContext(f.policy, now), new Date(now)).kind).toBe('approved');
  return { id, outcome: await run(id) };
}

async function stakeView(address: PublicKey) {
  const info = await f.connection.getAccountInfo(address, 'confirmed');
  if (!info) throw new Error(`no account ${address.toBase58()}`);
  return decodeStake(address, info);
}

/** An Initialized (undelegated) stake account: Meta only, no lockup. */
function initializedStake(staker: PublicKey, withdrawer: PublicKey): Uint8Array {
  const data = Buffer.alloc(STAKE_ACCOUNT_SIZE);
  data.writeUInt32LE(1, 0);
  data.writeBigUInt64LE(rentExemptLamports(STAKE_ACCOUNT_SIZE), 4);
  staker.toBuffer().copy(data, 12);
  withdrawer.toBuffer().copy(data, 44);
  return data;
}

describe('stake and unstake', () => {
  it('stake is refused with what the DAO must do when no stake authority was delegated to the agent', async () => {
    const { id, outcome } = await proposeApproveRun({
      kind: 'stake',
      amount: '5',
      validator: DEMO.voteAccount.toBase58(),
      reason: 'idle SOL',
    });
    expect(outcome).toMatchObject({ status: 'refused', stage: 'build' });
    if (outcome.status !== 'refused') return;
    expect(outcome.reason).toContain(
      'no undelegated treasury stake account with stake authority delegated to the agent holds exactly 5 SOL (available: none)',
    );
    expect(outcome.hint).toContain('staker: the agent key');
    expect(attemptsOf(f.store.db, id)).toEqual([]);
  });

  it("unstake of the treasury's own stake account is refused: the treasury kept the stake authority", async () => {
    const { id, outcome } = await proposeApproveRun({
      kind: 'unstake',
      stakeAccount: DEMO.stakeAccount.toBase58(),
      reason: 'need liquidity',
    });
    expect(outcome).toMatchObject({ status: 'refused', stage: 'build' });
    if (outcome.status !== 'refused') return;
    expect(outcome.reason).toBe(
      `the treasury did not delegate the stake authority of ${DEMO.stakeAccount.toBase58()} to the agent (stake authority: ${DEMO.nativeTreasury.toBase58()})`,
    );
    expect(outcome.hint).toContain('StakeAuthorize Staker');
    expect(attemptsOf(f.store.db, id)).toEqual([]);
    expect((await stakeView(DEMO.stakeAccount))?.deactivationEpoch).toBe(0xffff_ffff_ffff_ffffn);
  });

  it('with the stake authority delegated to the agent, deactivating a delegated treasury stake account lands', async () => {
    const address = Keypair.generate().publicKey;
    const stake = 20n * BigInt(LAMPORTS_PER_SOL);
    f.running.chain.setAccount(address, {
      lamports: stake + rentExemptLamports(STAKE_ACCOUNT_SIZE),
      data: encodeStakeAccount({
        staker: agentKeypair.publicKey,
        withdrawer: DEMO.nativeTreasury,
        voteAccount: DEMO.voteAccount,
        stake,
        activationEpoch: 0n,
      }),
      owner: StakeProgram.programId,
    });
    const { id, outcome } = await proposeApproveRun({ kind: 'unstake', stakeAccount: address.toBase58(), reason: 'rebalance' });
    expect(outcome.status, show(outcome)).toBe('confirmed');
    expect(readAction(f.store.db, id).state).toBe('confirmed');
    const after = await stakeView(address);
    expect(after?.state).toBe('delegated');
    expect(after?.deactivationEpoch).not.toBe(0xffff_ffff_ffff_ffffn);
    // The withdraw authority never moved: the SOL can only go back to the treasury.
    expect(after?.withdrawer.equals(DEMO.nativeTreasury)).toBe(true);
  });

  it('with an undelegated treasury stake account of exactly the amount whose staker is the agent, stake delegates it', async () => {
    const address = Keypair.generate().publicKey;
    f.running.chain.setAccount(address, {
      lamports: SOL(7) + rentExemptLamports(STAKE_ACCOUNT_SIZE),
      data: initializedStake(agentKeypair.publicKey, DEMO.nativeTreasury),
      owner: StakeProgram.programId,
    });
    const { outcome } = await proposeApproveRun({ kind: 'stake', amount: '7', validator: DEMO.voteAccount.toBase58(), reason: 'idle SOL' });
    expect(outcome.status, show(outcome)).toBe('confirmed');
    const after = await stakeView(address);
    expect(after?.state).toBe('delegated');
    expect(after?.voter?.equals(DEMO.voteAccount)).toBe(true);
  });
});

describe('vote', () => {
  it('ends "prepared" where the governance program is not deployed: the instruction is reported, nothing is sent or called cast', async () => {
    const proposal = DEMO.proposals.routineGrant;
    const { id, outcome } = await proposeApproveRun({
      kind: 'vote',
      proposal: proposal.toBase58(),
      choice: 'yes',
      reason: 'routine grant',
    });
    expect(outcome.status).toBe('prepared');
    if (outcome.status !== 'prepared') return;
    expect(outcome.reason).toContain('is not deployed on this cluster');
    expect(outcome.reason).toContain('NOT cast');
    expect(outcome.instructions.length).toBeGreaterThan(0);
    expect(
      outcome.instructions.some(
        (ix) => ix.programId === 'GovER5Lthms3bLBqWub97yVrMmEogzX7xNjdXpPPCVZw' && ix.accounts.includes(proposal.toBase58()),
      ),
    ).toBe(true);
    expect(attemptsOf(f.store.db, id)).toEqual([]);
    const row = readAction(f.store.db, id);
    expect(row.state).not.toBe('confirmed');
    expect(row.error).toContain('prepared, not sent');
  });
});

describe('SOL transfer from the float', () => {
  it('within policy and the float it lands: the recipient gets plain SOL from the agent key, the treasury is untouched', async () => {
    const treasuryBefore = BigInt(await f.connection.getBalance(DEMO.nativeTreasury, 'confirmed'));
    const granteeBefore = BigInt(await f.connection.getBalance(DEMO.grantee, 'confirmed'));
    const agentBefore = BigInt(await f.connection.getBalance(agentKeypair.publicKey, 'confirmed'));
    const { id, verdict } = propose(f, {
      kind: 'transfer',
      token: 'SOL',
      amount: '0.25',
      to: DEMO.grantee.toBase58(),
      reason: 'gas top-up',
    });
    expect(verdict).toBe('allow');
    const outcome = await run(id);
    expect(outcome.status, show(outcome)).toBe('confirmed');
    expect(BigInt(await f.connection.getBalance(DEMO.grantee, 'confirmed')) - granteeBefore).toBe(SOL(0.25));
    const agentSpent = agentBefore - BigInt(await f.connection.getBalance(agentKeypair.publicKey, 'confirmed'));
    expect(agentSpent).toBeGreaterThan(SOL(0.25)); // plus the fee
    expect(agentSpent).toBeLessThan(SOL(0.25) + 100_000n);
    expect(BigInt(await f.connection.getBalance(DEMO.nativeTreasury, 'confirmed'))).toBe(treasuryBefore);
  });

  it('over the float (allowed by policy) it is refused before signing: the DAO must top it up', async () => {
    const { id, verdict } = propose(f, {
      kind: 'transfer',
      token: 'SOL',
      amount: '2',
      to: DEMO.grantee.toBase58(),
      reason: 'too much for the float',
    });
    expect(verdict).toBe('allow');
    const outcome = await run(id);
    expect(outcome).toMatchObject({ status: 'refused', stage: 'allowance' });
    if (outcome.status !== 'refused') return;
    expect(outcome.reason).toMatch(/the action moves 2 SOL but the on-chain allowance on \w+ has 0\.7\d* left/);
    expect(outcome.hint).toContain('the DAO must top it up by proposal');
    expect(attemptsOf(f.store.db, id)).toEqual([]);
  });
});
