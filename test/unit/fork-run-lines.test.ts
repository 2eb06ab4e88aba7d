// What `run --fork` prints per action, on a real journal (SQLite): the ledger columns through the
// money formatter, the balance changes from the action's effects check, and untrusted text (a
// model's payload, a rule reason quoting it) escaped for the terminal.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/agent/run-agent.js';
import type { ForkInfo } from '../../src/chain/fork/fork-loader.js';
import { forkRunLines } from '../../src/cli/fork-run-lines.js';
import { openStore, type Store } from '../../src/store/index.js';

const USDC = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';
const TREASURY_USDC = '7YttLkHDoNj9wyDur5pM1ejNaAvT9X4eqaYcHQqtj2G5';
const GRANTEE = '9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM';
const GRANTEE_USDC = 'GokivDYuQXPZCWRkwMhdH2h91KpDQXBEmpgBgs55bnpH';
const AGENT = 'Hb2HDX6tnRfw5j442npy58Z2GBzJA58Nz7ipouWGT63p';
const tokens = {
  SOL: { mint: 'native', decimals: 9, stable: false },
  USDC: { mint: USDC, decimals: 6, stable: true },
} as unknown as Parameters<typeof forkRunLines>[0]['tokens'];
const fork: ForkInfo = {
  upstream: 'https://rpc.example/',
  forkSlot: '1000',
  fetched: 40,
  readSlots: { min: '1001', max: '1009' },
  requests: 9,
  methods: { getMultipleAccounts: 6, getTokenAccountsByOwner: 3 },
  budget: 500,
  cache: { enabled: true, hits: 0, tooOld: 0, maxAgeSlots: '9000' },
};

let store: Store | null = null;
afterEach(() => store?.close());

function insertAction(db: Store['db'], row: Record<string, string | null>): number {
  const now = new Date().toISOString();
  return Number(
    db
      .prepare(
        `INSERT INTO actions (agent, policy, kind, token, mint, amount, usd, destination, payload, verdict, rules, state, created_at, updated_at)
         VALUES ('payer', 'payer', ?, ?, ?, ?, ?, ?, ?, 'allow', '[]', ?, ?, ?)`,
      )
      .run(row['kind'], row['token'], row['mint'], row['amount'], row['usd'], row['destination'], row['payload'], row['state'], now, now)
      .lastInsertRowid,
  );
}

describe('run --fork lines', () => {
  it('says per action what landed on the fork, the simulated balance changes, and that nothing went upstream; untrusted text is escaped', () => {
    store = openStore(':memory:');
    const db = store.db;
    const transfer = insertAction(db, {
      kind: 'transfer',
      token: 'USDC',
      mint: USDC,
      amount: '12000500000',
      usd: '12000.5',
      destination: GRANTEE,
      payload: JSON.stringify({ kind: 'transfer', token: 'USDC', amount: '12000.5', to: GRANTEE }),
      state: 'confirmed',
    });
    const effects = {
      tokenAccounts: [
        { address: TREASURY_USDC, owner: AGENT, mint: USDC, pre: '50000000000', post: '37999500000' },
        { address: GRANTEE_USDC, owner: GRANTEE, mint: USDC, pre: '0', post: '12000500000' },
        { address: 'Unchanged1111111111111111111111111111111111', owner: AGENT, mint: USDC, pre: '5', post: '5' },
      ],
      lamports: [{ address: AGENT, pre: '1000000000', post: '999985000' }],
      programs: [],
      authorityChanges: [],
    };
    db.prepare(
      `INSERT INTO effect_checks (action_id, mode, outcome, rounds, pre_slot, simulation_slot, recheck_slot, effects, detail, created_at)
       VALUES (?, 'execute', 'passed', 1, 1, 1, 1, ?, NULL, ?)`,
    ).run(transfer, JSON.stringify(effects), new Date().toISOString());
    const result = {
      actions: [
        {
          actionId: transfer,
          proposed: {},
          verdict: 'allow',
          rules: [],
          state: 'confirmed',
          execution: { status: 'confirmed', actionId: transfer, signature: 'SiG1', attempt: 1, slot: 1042n, memo: 'm', notes: [] },
        },
        {
          actionId: null,
          proposed: { kind: 'transfer', token: 'USDC', to: 'evil\u202eexe' },
          verdict: 'deny',
          rules: [{ id: 'action.invalid', effect: 'deny', reason: 'unreadable "\u001b[2Jwipe"' }],
          state: 'denied',
        },
      ],
    } as unknown as RunResult;

    const lines = forkRunLines({ db, result, tokens, fork });
    expect(lines).toEqual([
      'On the fork of https://rpc.example/ (from its slot 1000; 40 account(s) read at upstream slots 1001..1009):',
      `  action ${transfer}: transfer 12,000.5 USDC ($12,000.50) to ${GRANTEE} — landed on the fork in slot 1042, signature SiG1`,
      '    balance changes (simulated before signing):',
      `      ${TREASURY_USDC} (owner ${AGENT}): -12,000.5 USDC`,
      `      ${GRANTEE_USDC} (owner ${GRANTEE}): +12,000.5 USDC`,
      `      ${AGENT}: -0.000015 SOL`,
      '  proposed {"kind":"transfer","token":"USDC","to":"evil\\u202eexe"}: denied: unreadable "\\x1b[2Jwipe"',
      'Nothing was sent upstream: https://rpc.example/ was asked 9 request(s), reads only (getMultipleAccounts 6, getTokenAccountsByOwner 3); every transaction landed on the fork.',
    ]);
    for (const raw of ['\u001b', '\u202e']) expect(lines.join('\n')).not.toContain(raw);
  });
});
