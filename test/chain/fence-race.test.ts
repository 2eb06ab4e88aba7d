// The fence across processes: ≥ 8 real `steward` processes start at the same moment (with random
// start jitter) on ONE database and ONE chain (`steward localnet --demo` in its own process), each
// proposing spends that fit alone but not together. Rounds alternate the binding limit: the 24h
// window cap, then the USDC reserve. A third kind races `steward approvals approve` against agent
// runs. After every round the journal and the chain are read back: no cap or reserve is exceeded,
// and the journal's confirmed transfers are exactly what reached the grantee.
//
// Size with env knobs: STEWARD_RACE_ROUNDS (window/reserve rounds, default 2),
// STEWARD_RACE_APPROVAL_ROUNDS (default 1), STEWARD_RACE_PROCESSES (default 8),
// STEWARD_RACE_JITTER_MS (default 300). Each round uses a fresh database (an empty 24h window);
// the chain carries on, so the reserve is set from the balance the round starts with.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/demo/index.js';
import { formatAmount } from '../../src/shared/index.js';
import { openStore, spendingStates } from '../../src/store/index.js';
import { stewardProcess, type StewardExit } from '../helpers/steward-process.js';
import { tempDir } from '../helpers/tmp.js';
import { AGENT, startFenceFixture, transfers, usdcBalance, type FenceFixture } from './fence-fixture.js';

const ROUNDS = Number(process.env['STEWARD_RACE_ROUNDS'] ?? 2);
const APPROVAL_ROUNDS = Number(process.env['STEWARD_RACE_APPROVAL_ROUNDS'] ?? 1);
const PROCESSES = Math.max(8, Number(process.env['STEWARD_RACE_PROCESSES'] ?? 8));
const JITTER_MS = Number(process.env['STEWARD_RACE_JITTER_MS'] ?? 300);
/** Each transfer; two per run: 12,000 fits any limit alone, eight runs want 96,000. */
const EACH = 6_000n;
const LIMIT = 20_000n;
const usdc = (whole: bigint) => whole * 1_000_000n;

let f: FenceFixture;
const dir = tempDir('steward-race-');
const figures: { round: string; landed: bigint; journalled: bigint; codes: string }[] = [];

beforeAll(async () => {
  f = await startFenceFixture();
  f.model.answer(transfers(2, EACH.toString()));
}, 300_000);
afterAll(async () => {
  await f?.close();
  if (figures.length > 0) {
    console.log(`fence race: ${figures.length} round(s) × ${PROCESSES} processes, jitter ≤ ${JITTER_MS} ms`);
    for (const row of figures)
      console.log(
        `  ${row.round}: landed ${formatAmount(row.landed, 6)} USDC, journalled (spending states) ${formatAmount(row.journalled, 6)}, exit codes ${row.codes}`,
      );
  }
});

function jitter(): number {
  return Math.floor(Math.random() * JITTER_MS);
}

function journalFigures(db: string): { spending: bigint; confirmed: bigint; running: number; states: Record<string, number> } {
  using store = openStore(db);
  const rows = store.db.prepare("SELECT state, amount FROM actions WHERE kind = 'transfer' AND amount IS NOT NULL").all() as {
    state: string;
    amount: string;
  }[];
  const states: Record<string, number> = {};
  let spending = 0n;
  let confirmed = 0n;
  for (const row of rows) {
    states[row.state] = (states[row.state] ?? 0) + 1;
    if ((spendingStates as readonly string[]).includes(row.state)) spending += BigInt(row.amount);
    if (row.state === 'confirmed') confirmed += BigInt(row.amount);
  }
  const running = store.db.prepare("SELECT COUNT(*) FROM runs WHERE status = 'running'").pluck().get() as number;
  return { spending, confirmed, running, states };
}

function codesOf(exits: StewardExit[]): string {
  const counts = new Map<string, number>();
  for (const exit of exits) counts.set(String(exit.code ?? exit.signal), (counts.get(String(exit.code ?? exit.signal)) ?? 0) + 1);
  return [...counts].map(([code, n]) => `${code}×${n}`).join(' ');
}

async function checkRound(
  round: string,
  db: string,
  exits: StewardExit[],
  before: { grantee: bigint; treasury: bigint },
  reserve: bigint | undefined,
): Promise<void> {
  for (const exit of exits) {
    // Exit 0 ok, 1 an action did not land, 3 denied or paused on re-check: never a crash.
    expect([0, 1, 3], `${exit.args.join(' ')}\n${exit.stderr.slice(-2000)}`).toContain(exit.code);
  }
  const landed = (await usdcBalance(f.connection, DEMO.granteeUsdcAccount)) - before.grantee;
  const treasury = await usdcBalance(f.connection, DEMO.treasuryTokenAccounts.USDC);
  const journal = journalFigures(db);
  figures.push({ round, landed, journalled: journal.spending, codes: codesOf(exits) });
  expect(journal.running, 'no run stays running').toBe(0);
  // The fence held on chain and in the journal.
  expect(landed).toBeLessThanOrEqual(usdc(LIMIT));
  expect(journal.spending).toBeLessThanOrEqual(usdc(LIMIT));
  if (reserve !== undefined) expect(treasury).toBeGreaterThanOrEqual(usdc(reserve));
  // The journal matches the chain, and the race was real (something landed, something was held back).
  expect(journal.confirmed, JSON.stringify(journal.states)).toBe(landed);
  expect(landed).toBeGreaterThanOrEqual(usdc(EACH));
  expect(before.treasury - treasury).toBe(landed);
}

async function balances(): Promise<{ grantee: bigint; treasury: bigint }> {
  return {
    grantee: await usdcBalance(f.connection, DEMO.granteeUsdcAccount),
    treasury: await usdcBalance(f.connection, DEMO.treasuryTokenAccounts.USDC),
  };
}

describe(`fence: ${PROCESSES} steward processes at once on one database and one chain`, () => {
  for (let round = 1; round <= ROUNDS; round++) {
    const binding = round % 2 === 1 ? 'window' : 'reserve';
    it(`round ${round}: agent runs race, the ${binding} binds`, async () => {
      const before = await balances();
      const reserve = binding === 'reserve' ? before.treasury / 1_000_000n - LIMIT : undefined;
      const config = f.config(
        binding === 'window' ? { windowUsdc: LIMIT.toString(), reserveUsdc: '0' } : { windowUsdc: '1000000', reserveUsdc: String(reserve) },
      );
      const db = join(dir, `round-${round}.db`);
      const exits = await Promise.all(
        Array.from({ length: PROCESSES }, () =>
          stewardProcess(['--config', config, '--db', db, 'run', AGENT], { env: f.env(), delayMs: jitter() }),
        ),
      );
      await checkRound(`round ${round} (${binding})`, db, exits, before, reserve);
    }, 900_000);
  }

  for (let round = 1; round <= APPROVAL_ROUNDS; round++) {
    const binding = round % 2 === 1 ? 'window' : 'reserve';
    it(`approvals round ${round}: \`approvals approve\` races agent runs, the ${binding} binds`, async () => {
      const start = await balances();
      const reserve = binding === 'reserve' ? start.treasury / 1_000_000n - LIMIT : undefined;
      const limits =
        binding === 'window' ? { windowUsdc: LIMIT.toString(), reserveUsdc: '0' } : { windowUsdc: '1000000', reserveUsdc: String(reserve) };
      const db = join(dir, `approvals-${round}.db`);
      // Requests waiting for a human: two approve-all runs, two transfers each.
      const asking = f.config({ ...limits, mode: 'approve-all' });
      for (let i = 0; i < 2; i++) {
        const setup = await stewardProcess(['--config', asking, '--db', db, 'run', AGENT], { env: f.env() });
        expect(setup.code, setup.stderr).toBe(0);
      }
      const pending = (() => {
        using store = openStore(db);
        return store.db.prepare("SELECT id FROM actions WHERE state = 'pending-approval' ORDER BY id").pluck().all() as number[];
      })();
      expect(pending).toHaveLength(4);
      const config = f.config(limits);
      const before = await balances();
      const approvers = pending.map((id) =>
        stewardProcess(['--config', config, '--db', db, 'approvals', 'approve', String(id), '--by', 'race'], {
          env: f.env(),
          delayMs: jitter(),
        }),
      );
      const runs = Array.from({ length: PROCESSES - pending.length }, () =>
        stewardProcess(['--config', config, '--db', db, 'run', AGENT], { env: f.env(), delayMs: jitter() }),
      );
      const exits = await Promise.all([...approvers, ...runs]);
      await checkRound(`approvals round ${round} (${binding})`, db, exits, before, reserve);
    }, 900_000);
  }
});
