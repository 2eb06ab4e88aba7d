// Must be imported before litesvm loads: LiteSVM crashes V8's GC with std::bad_alloc after any
// CPI unless allocation-site pretenuring is off (LiteSVM/litesvm#171). bin/steward.js and the
// vitest config set it too; this module makes every other entry point (bench, scripts) safe.
import v8 from 'node:v8';

v8.setFlagsFromString('--no-allocation-site-pretenuring');

export const V8_FLAGS_SET = true;
