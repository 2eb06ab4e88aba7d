// Tests are split by cost, and all of them run in CI (`npm test`):
//   unit  — pure logic, config, store, CLI parsing: milliseconds each;
//   chain — the real embedded chain (LiteSVM behind JSON-RPC);
//   model — real llama.cpp inference on the generated test model.
// `npm run test:fast` runs the unit project only.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    // LiteSVM needs this V8 flag before it loads (LiteSVM/litesvm#171); src/chain sets it too.
    execArgv: ['--no-allocation-site-pretenuring'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 20_000 } },
      { extends: true, test: { name: 'chain', include: ['test/chain/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 } },
      { extends: true, test: { name: 'model', include: ['test/model/**/*.test.ts'], testTimeout: 180_000, hookTimeout: 120_000 } },
    ],
  },
});
