// computeEffects over pre-state reads taken around a simulation while payments keep arriving
// (issue #26). Inflows to the treasury and to the recipient interleave at random with the reads
// and the simulation; the simulated transaction moves `out` from the treasury to the recipient.
// Whatever the interleaving, the treasury outflow the effects show is never below `out`, and the
// recipient's gain never below what it really received.
import { TOKEN_PROGRAM_ID } from '@solana/spl-token';
import { Keypair, PublicKey, SystemProgram } from '@solana/web3.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeTokenAccount } from '../../src/demo/seed/token-layouts.js';
import { boundPreState, computeEffects, type RawAccount } from '../../src/execute/index.js';

const MINT = Keypair.generate().publicKey;
const TREASURY_OWNER = Keypair.generate().publicKey;
const RECIPIENT_OWNER = Keypair.generate().publicKey;
const TREASURY_TOKEN = Keypair.generate().publicKey.toBase58();
const RECIPIENT_TOKEN = Keypair.generate().publicKey.toBase58();
const TREASURY_WALLET = TREASURY_OWNER.toBase58();
const RENT = 2_039_280n;

function tokenAccount(owner: PublicKey, amount: bigint): RawAccount {
  return { lamports: RENT, owner: TOKEN_PROGRAM_ID.toBase58(), data: Buffer.from(encodeTokenAccount({ mint: MINT, owner, amount })) };
}

const wallet = (lamports: bigint): RawAccount => ({ lamports, owner: SystemProgram.programId.toBase58(), data: Buffer.alloc(0) });

interface Balances {
  treasury: bigint;
  recipient: bigint;
  sol: bigint;
}

function states(b: Balances): Map<string, RawAccount | null> {
  return new Map([
    [TREASURY_TOKEN, tokenAccount(TREASURY_OWNER, b.treasury)],
    [RECIPIENT_TOKEN, tokenAccount(RECIPIENT_OWNER, b.recipient)],
    [TREASURY_WALLET, wallet(b.sol)],
  ]);
}

const isTreasury = (address: string, owner: string | null) =>
  address === TREASURY_WALLET || address === TREASURY_TOKEN || owner === TREASURY_WALLET;
const ADDRESSES = [TREASURY_TOKEN, RECIPIENT_TOKEN, TREASURY_WALLET];

const event = fc.record({
  to: fc.constantFrom('treasury', 'recipient', 'sol') as fc.Arbitrary<keyof Balances>,
  amount: fc.bigInt({ min: 1n, max: 10n ** 12n }),
});

const scenario = fc.record({
  start: fc.record({
    treasury: fc.bigInt({ min: 0n, max: 10n ** 12n }),
    recipient: fc.bigInt({ min: 0n, max: 10n ** 12n }),
    sol: fc.bigInt({ min: 0n, max: 10n ** 12n }),
  }),
  events: fc.array(event, { maxLength: 12 }),
  // Where the reads and the simulation fall among the events: reads before and after the simulation.
  cuts: fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.array(fc.nat(), { maxLength: 2 })),
  outShare: fc.double({ min: 0, max: 1, noNaN: true }),
  solOut: fc.bigInt({ min: 0n, max: 10n ** 9n }),
  withPredicate: fc.boolean(),
});

function balancesAfter(start: Balances, events: readonly { to: keyof Balances; amount: bigint }[], count: number): Balances {
  const b = { ...start };
  for (const e of events.slice(0, count)) b[e.to] += e.amount;
  return b;
}

describe('computeEffects with payments interleaved between the reads (#26)', () => {
  it('never understates the treasury outflow nor the recipient gain', () => {
    fc.assert(
      fc.property(scenario, ({ start, events, cuts, outShare, solOut, withPredicate }) => {
        const n = events.length;
        const [c0, c1, c2, extra] = cuts;
        const [first, atSimulation, last] = [c0 % (n + 1), c1 % (n + 1), c2 % (n + 1)].sort((a, b) => a - b) as [number, number, number];
        const reads = [first, last, ...extra.map((c) => c % (n + 1))].map((count) => states(balancesAfter(start, events, count)));
        // The simulation runs on the state at its own moment and moves `out` tokens and some lamports.
        const seen = balancesAfter(start, events, atSimulation);
        const out = BigInt(Math.floor(Number(seen.treasury) * outShare));
        const lamportsOut = solOut > seen.sol ? seen.sol : solOut;
        const post = states({ treasury: seen.treasury - out, recipient: seen.recipient + out, sol: seen.sol - lamportsOut });

        const effects = computeEffects(ADDRESSES, reads, post, [], withPredicate ? { isTreasury } : {});
        const token = (address: string) => effects.tokenAccounts.find((a) => a.address === address);
        const treasury = token(TREASURY_TOKEN);
        const treasuryOutflow = treasury ? treasury.pre - treasury.post : 0n;
        expect(treasuryOutflow).toBeGreaterThanOrEqual(out);
        const lamports = effects.lamports.find((a) => a.address === TREASURY_WALLET);
        expect(lamports ? lamports.pre - lamports.post : 0n).toBeGreaterThanOrEqual(lamportsOut);
        if (withPredicate) {
          const recipient = token(RECIPIENT_TOKEN);
          expect(recipient ? recipient.post - recipient.pre : 0n).toBeGreaterThanOrEqual(out);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('one read taken before a payment landed (the old way) does understate: the property needs the second read', () => {
    const before = states({ treasury: 1_000n, recipient: 0n, sol: 0n });
    const atSimulation = { treasury: 51_000n, recipient: 0n, sol: 0n };
    const post = states({ ...atSimulation, treasury: atSimulation.treasury - 30_000n, recipient: 30_000n });
    const single = computeEffects(ADDRESSES, before, post, []);
    const t = single.tokenAccounts.find((a) => a.address === TREASURY_TOKEN)!;
    expect(t.pre - t.post).toBe(-20_000n); // a +20,000 "inflow": the 30,000 outflow is hidden
    const bounded = computeEffects(ADDRESSES, [before, states(atSimulation)], post, [], { isTreasury });
    const b = bounded.tokenAccounts.find((a) => a.address === TREASURY_TOKEN)!;
    expect(b.pre - b.post).toBe(30_000n);
  });

  it('boundPreState: largest or smallest balance, a missing account counting as zero', () => {
    const a = tokenAccount(TREASURY_OWNER, 5n);
    const b = tokenAccount(TREASURY_OWNER, 9n);
    expect(boundPreState([a, b], true)?.data.equals(b.data)).toBe(true);
    expect(boundPreState([a, b], false)?.data.equals(a.data)).toBe(true);
    expect(boundPreState([null, a], true)?.data.equals(a.data)).toBe(true);
    expect(boundPreState([a, null], false)).toBeNull();
    expect(boundPreState([wallet(3n), wallet(7n)], true)?.lamports).toBe(7n);
    expect(boundPreState([wallet(3n), null], false)).toBeNull();
    expect(boundPreState([], true)).toBeNull();
  });
});
