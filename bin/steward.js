#!/usr/bin/env node
// Entry point of the `steward` command. Two things must happen before any project code loads:
// 1. LiteSVM (the embedded chain) crashes Node's GC with std::bad_alloc after any CPI unless
//    allocation-site pretenuring is off (LiteSVM/litesvm#171). NODE_OPTIONS refuses the flag,
//    and it must be set before litesvm is imported, so it is set here, first.
// 2. Steward runs from its TypeScript sources through tsx's loader: no build step.
import v8 from 'node:v8';

v8.setFlagsFromString('--no-allocation-site-pretenuring');

const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
