// Helper process for embedded-child.test.ts: spawns the embedded chain child, prints its pid
// as one JSON line, then idles until killed, so the test can kill it with SIGKILL (no cleanup
// runs) and check that the chain child does not outlive it.
import { spawnEmbeddedChain } from '../../src/chain/index.js';

const child = await spawnEmbeddedChain({ demo: false });
process.stdout.write(`${JSON.stringify({ pid: child.pid, url: child.url })}\n`);
setInterval(() => undefined, 60_000);
