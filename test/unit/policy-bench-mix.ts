// The recorded-verdicts matrix: bench/policy.ts's action mix (and the shapes that reach every
// other rule) evaluated at several times and in several contexts against the bench's
// 10,000-entry ledger. policy-bench-verdicts.test.ts compares the engine's output with the
// verdicts recorded from the engine before it was optimized (policy-bench-verdicts.json), byte
// for byte. Regenerate only for an intended change of behaviour:
//   node --import tsx test/unit/policy-bench-mix.ts > test/unit/policy-bench-verdicts.json
// (JSON.stringify with bigints as "123n"; each distinct line stored once, then the sequence.)
import { fileURLToPath } from 'node:url';
import { benchMix } from '../../bench/policy.js';
import { createSpendLedger, evaluatePolicy, type LedgerEntry, type PolicyContext, type SpendLedger } from '../../src/policy/index.js';
import { priceFromDecimal } from '../../src/shared/index.js';

const GRANTEE = '2dMsEow5mVnpDH8nL4MctcsQ8WQrPVcrxLd5d6NGbp7t';
const STRANGER = '3VwT34Zje3L4mwZdEq7AhvEAs6Uv1RnRqJgAa6eVRCtL';
const DAY = 86_400_000;

const extraActions: unknown[] = [
  { kind: 'transfer', token: 'USDC', amount: '24000', to: GRANTEE, memo: 'near the per-tx cap' },
  { kind: 'transfer', token: 'USDC', amount: '30000.000001', to: STRANGER },
  { kind: 'transfer', token: 'usdc', amount: '1', to: GRANTEE },
  { kind: 'transfer', token: '7TYWECBRcTAMSKNxcV9iYvvXhaab669rrxrjGsX11Cyc', amount: '0.5', to: GRANTEE },
  { kind: 'transfer', token: 'PYUSD', amount: '10', to: GRANTEE },
  { kind: 'transfer', token: 'USDT', amount: '2', to: GRANTEE },
  { kind: 'transfer', token: 'JUP', amount: '-5', to: GRANTEE },
  { kind: 'transfer', token: 'USDC', amount: '1', to: 'not-an-address' },
  { kind: 'transfer', token: 'USDC', amount: '1', to: '1111111111111111111111111111111111111111111' },
  { kind: 'swap', from: 'USDC', to: 'USDC', amount: '1', maxSlippageBps: 10 },
  { kind: 'swap', from: 'JUP', to: 'SOL', amount: '100', maxSlippageBps: 80 },
  { kind: 'swap', from: 'USDC', to: 'jitoSOL', amount: '60000', maxSlippageBps: 50 },
  { kind: 'stake', amount: '4999991', validator: GRANTEE },
  { kind: 'unstake', stakeAccount: GRANTEE },
  { kind: 'unstake', stakeAccount: GRANTEE, amount: '1.000000001' },
  { kind: 'vote', proposal: 'O0O0', choice: 'yes' },
  { kind: 'vote', proposal: GRANTEE, choice: 'maybe' },
  { kind: 'transfer', token: 'USDC', amount: '1', to: GRANTEE, extra: true },
  null,
  'transfer',
];

const times = (now: number): number[] => [now, now + 1_023, now + 3 * DAY, now - 29 * DAY, now + 40 * DAY];

type Variant = { name: string; context: (base: Omit<PolicyContext, 'spent'>, at: number) => Omit<PolicyContext, 'spent'> };
const variants: Variant[] = [
  { name: 'base', context: (base, at) => ({ ...base, now: at }) },
  { name: 'paused', context: (base, at) => ({ ...base, now: at, paused: true }) },
  {
    name: 'stale SOL and JUP',
    context: (base, at) => ({
      ...base,
      now: at,
      prices: { ...base.prices, SOL: priceFromDecimal('150', '0.01', at - 600_000), JUP: undefined },
    }),
  },
  {
    name: 'wide USDT, route impact',
    context: (base, at) => ({
      ...base,
      now: at,
      prices: { ...base.prices, USDT: priceFromDecimal('0.9995', '0.5', at) },
      swapRoute: { priceImpactBps: 150 },
    }),
  },
  { name: 'balances unknown', context: (base, at) => ({ ...base, now: at, balances: {} }) },
];

function ledgers(entries: LedgerEntry[], now: number): { name: string; ledger: SpendLedger }[] {
  const appended = createSpendLedger(entries);
  // In order (the fast path), then out of order (the rebuild), pushing USDC's 24h window near its cap.
  appended.append({ at: now - 1_000, token: 'USDC', amount: 45_000_000_000n, usd: 45_000_000_000n });
  appended.append({ at: now - 2 * DAY, token: 'PYUSD', amount: 5_000_000n, usd: undefined });
  appended.append({ at: now - 500, token: 'SOL', amount: 1_000_000_000n, usd: undefined });
  return [
    { name: '10,000 entries', ledger: createSpendLedger(entries) },
    { name: 'appended', ledger: appended },
    { name: 'empty', ledger: createSpendLedger() },
  ];
}

const replacer = (_key: string, value: unknown): unknown =>
  typeof value === 'bigint' ? `${value}n` : value instanceof Set ? [...value] : value;

/** One JSON line per (ledger, time): its windows, then one per (variant, action): the verdict. */
export function recordMix(): string[] {
  const { policy, now, entries, actions, base } = benchMix();
  const lines: string[] = [];
  for (const { ledger } of ledgers(entries, now)) {
    for (const at of times(now)) {
      const spent = ledger.windows(policy, at);
      lines.push(JSON.stringify({ windows: spent }, replacer));
      for (const variant of variants) {
        const context = variant.context(base, at);
        for (const action of [...actions, ...extraActions]) {
          const verdict = evaluatePolicy(policy, action, { ...context, spent });
          lines.push(JSON.stringify(verdict, replacer));
        }
      }
    }
  }
  return lines;
}

/** The lines as the fixture stores them: each distinct line once, then the sequence of indexes. */
export function packMix(lines: readonly string[]): { distinct: string[]; sequence: number[] } {
  const distinct: string[] = [];
  const at = new Map<string, number>();
  const sequence = lines.map((line) => {
    let index = at.get(line);
    if (index === undefined) at.set(line, (index = distinct.push(line) - 1));
    return index;
  });
  return { distinct, sequence };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { distinct, sequence } = packMix(recordMix());
  process.stdout.write(
    `{"distinct": [\n${distinct.map((line) => JSON.stringify(line)).join(',\n')}\n],\n"sequence": ${JSON.stringify(sequence)}}\n`,
  );
}
