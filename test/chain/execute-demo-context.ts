// The demo policy and a policy context for it (fresh prices, the treasury's addresses), free of
// vitest imports so the crash-test child process can use it too.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateYaml } from '../../src/config/index.js';
import { policySchema } from '../../src/config/schemas/policy.js';
import { DEMO, DEMO_MINTS, SOL_PRICE, demoKeypair } from '../../src/demo/addresses.js';
import { compilePolicy, createSpendLedger, type CompiledPolicy, type PolicyContext } from '../../src/policy/index.js';
import { priceFromDecimal } from '../../src/shared/index.js';

export const agentKeypair = demoKeypair('agent');

export function demoPolicy(): CompiledPolicy {
  const path = join(import.meta.dirname, '../../policies/treasury.yaml');
  const result = validateYaml('policies/treasury.yaml', readFileSync(path, 'utf8'), policySchema);
  if (!result.ok) throw new Error('policies/treasury.yaml does not validate');
  return compilePolicy(result.value);
}

export const treasuryAddresses = new Set<string>([
  DEMO.nativeTreasury.toBase58(),
  ...Object.values(DEMO.treasuryTokenAccounts).map((k) => k.toBase58()),
]);

export function demoContext(policy: CompiledPolicy, now: number, priceOverrides: Record<string, string> = {}): PolicyContext {
  const prices: PolicyContext['prices'] = {
    SOL: priceFromDecimal(String(SOL_PRICE), '0.05', now - 1_000),
    ...Object.fromEntries(
      Object.values(DEMO_MINTS).map((m) => [
        m.symbol,
        priceFromDecimal(priceOverrides[m.symbol] ?? String(m.price), '0.0001', now - 1_000),
      ]),
    ),
  };
  return {
    now,
    prices,
    spent: createSpendLedger().windows(policy, now),
    balances: { USDC: 1_200_000_000_000n, USDT: 1_000_000_000_000n, SOL: 5_000_000_000_000n, JUP: 1_000_000_000_000n },
    treasuryAddresses,
    paused: false,
  };
}
