// Shared fixtures for the policy tests: a compact policy with every rule switched on, a trusted
// price table, a context builder and the addresses the tests name.
import { validateYaml } from '../../src/config/index.js';
import { policySchema, type PolicyConfig } from '../../src/config/schemas/policy.js';
import { compilePolicy, createSpendLedger, type CompiledPolicy, type LedgerEntry, type PolicyContext } from '../../src/policy/index.js';
import { priceFromDecimal } from '../../src/shared/index.js';

export const USDC_MINT = '7TYWECBRcTAMSKNxcV9iYvvXhaab669rrxrjGsX11Cyc';
export const SOL_PYTH = 'G43Q9PQqF5v7Cx52jxgL14MpUu6pn8SkgQQNp8TFMGRh';
export const LOOKALIKE_MINT = 'Ho1yus2GaWLuCj1muyXfE8LZAZEzN9AsvQ8BCgF293et';
export const GRANTEE = '2dMsEow5mVnpDH8nL4MctcsQ8WQrPVcrxLd5d6NGbp7t';
export const STRANGER = '3VwT34Zje3L4mwZdEq7AhvEAs6Uv1RnRqJgAa6eVRCtL';
export const TREASURY = 'FB5EacFfgqkA8udmokH55xRJLXQ7nfn45iLvBgtjN2BX';
export const TREASURY_USDC = '5wTWHrUdRF1VSpnWCMmUvA973zdDBvve3nE8uPwLsQHp';
export const TREASURY_JUP = 'AVNjDMzkqxWU7EJwnaJeJub2PooNSUPKvvgMwunZqPTw';
export const JUP_MINT = '2mhQQ5wkxbGrsEg4vfRDvxVJAZ2KSVtB6kP18UNRcEyk';
export const VALIDATOR = '66AtA3RL2iX3Kayy1wQJ1EKgPaP4Devwoqb88Q7dUXpC';
export const NOW = Date.parse('2025-06-04T12:00:00Z'); // a Wednesday

export const POLICY_YAML = `
name: test
tokens:
  SOL:  { mint: native, decimals: 9 }
  USDC: { mint: ${USDC_MINT}, decimals: 6, stable: true }
  JUP:  { mint: ${JUP_MINT}, decimals: 6 }
limits:
  perTx:
    usd: "5000"
    tokens: { USDC: "4000" }
  windows:
    - { window: 24h, usd: "10000", tokens: { USDC: "8000" } }
    - { window: 7d, usd: "30000" }
  reserves: { USDC: "1000", SOL: "10" }
allow:
  actions: [transfer, swap, stake, unstake, vote, none]
  destinations: [treasury, ${GRANTEE}]
approval:
  aboveUsd: "2000"
  actions: [vote, unstake]
swap: { maxSlippageBps: 50, maxPriceImpactBps: 100 }
oracle: { maxStaleness: 60s, maxConfidenceBps: 100 }
`;

export function policyConfig(yaml = POLICY_YAML): PolicyConfig {
  const result = validateYaml('policies/test.yaml', yaml, policySchema);
  if (!result.ok) throw new Error(result.problems.map((p) => `${p.line}:${p.column} ${p.path} ${p.message}`).join('\n'));
  return result.value;
}

export function policy(patch: (config: PolicyConfig) => void = () => {}): CompiledPolicy {
  const config = policyConfig();
  patch(config);
  return compilePolicy(config);
}

export const prices = {
  SOL: priceFromDecimal('150', '0.1', NOW - 5_000),
  USDC: priceFromDecimal('1', '0.0005', NOW - 5_000),
  JUP: priceFromDecimal('0.8', '0.001', NOW - 5_000),
};

export function context(compiled: CompiledPolicy, overrides: Partial<PolicyContext> & { ledger?: LedgerEntry[] } = {}): PolicyContext {
  const { ledger, ...rest } = overrides;
  const now = rest.now ?? NOW;
  return {
    now,
    prices,
    spent: createSpendLedger(ledger ?? []).windows(compiled, now),
    balances: { USDC: 100_000_000_000n, SOL: 1_000_000_000_000n, JUP: 50_000_000_000n },
    treasuryAddresses: new Set([TREASURY, TREASURY_USDC, TREASURY_JUP]),
    paused: false,
    ...rest,
  };
}

export const usdc = (whole: number | bigint) => BigInt(whole) * 1_000_000n;
export const transfer = (amount: string, to = GRANTEE, token = 'USDC') => ({ kind: 'transfer', token, amount, to });
