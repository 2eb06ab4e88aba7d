// Throughput of the embedded chain for SPL token transfers (transferChecked), three ways:
//   in-process   EmbeddedChain.submit on pre-signed wire bytes (preflight on);
//   send-only    stock web3.js Connection.sendRawTransaction over JSON-RPC (preflight on);
//   send+confirm sendRawTransaction + confirmTransaction (websocket signatureSubscribe).
// The served chain runs in a worker thread, as a validator runs in its own process; a
// same-thread send-only figure is printed too. Transactions are signed before timing (client
// ed25519 signing in JS costs ~2 ms each and is not the chain's work).
// Run: node --no-allocation-site-pretenuring --import tsx bench/chain.ts [count]
import '../src/chain/embedded/v8-flags.js';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { Keypair, LAMPORTS_PER_SOL, Transaction, type Connection } from '@solana/web3.js';
import { createAccount, createMint, createTransferCheckedInstruction, mintTo } from '@solana/spl-token';
import { EmbeddedChain, createConnection, startEmbeddedChain } from '../src/chain/index.js';

const COUNT = Number(process.argv[2] ?? 2000);
const IN_FLIGHT = 32;

interface Fixture {
  payer: Keypair;
  owner: Keypair;
  mint: import('@solana/web3.js').PublicKey;
  from: import('@solana/web3.js').PublicKey;
  to: import('@solana/web3.js').PublicKey;
}

async function fixture(connection: Connection): Promise<Fixture> {
  const payer = Keypair.generate();
  const owner = Keypair.generate();
  await connection.requestAirdrop(payer.publicKey, 1000 * LAMPORTS_PER_SOL);
  const mint = await createMint(connection, payer, payer.publicKey, null, 6);
  const from = await createAccount(connection, payer, mint, owner.publicKey, Keypair.generate());
  const to = await createAccount(connection, payer, mint, Keypair.generate().publicKey, Keypair.generate());
  await mintTo(connection, payer, mint, from, payer, 10n ** 15n);
  return { payer, owner, mint, from, to };
}

function signTransfers(f: Fixture, blockhash: string, count: number, salt: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const tx = new Transaction({ feePayer: f.payer.publicKey, recentBlockhash: blockhash });
    tx.add(createTransferCheckedInstruction(f.from, f.mint, f.to, f.owner.publicKey, BigInt(salt * 10_000 + i + 1), 6));
    tx.sign(f.payer, f.owner);
    out.push(tx.serialize());
  }
  return out;
}

async function pool<T>(items: T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await run(items[next++] as T);
  }));
}

const rate = (count: number, ms: number) => `${((count / ms) * 1000).toFixed(0)} tx/s (${count} in ${(ms / 1000).toFixed(2)} s)`;

const CHUNK = 250;

/** Signs and sends in chunks, each on a fresh blockhash, so slow runs never outlive it. */
async function timed(connection: Connection, f: Fixture, salt: number, send: (raw: Buffer, blockhash: string, lastValidBlockHeight: number) => Promise<void>): Promise<number> {
  let elapsed = 0;
  for (let done = 0; done < COUNT; done += CHUNK) {
    const { blockhash, lastValidBlockHeight } = await connection.getLatestBlockhash();
    const txs = signTransfers(f, blockhash, Math.min(CHUNK, COUNT - done), salt * 1000 + done);
    const t0 = performance.now();
    await pool(txs, IN_FLIGHT, (raw) => send(raw, blockhash, lastValidBlockHeight));
    elapsed += performance.now() - t0;
  }
  return elapsed;
}

async function overRpc(url: string, label: string): Promise<void> {
  const connection = createConnection(url, { commitment: 'confirmed' });
  const f = await fixture(connection);
  const sendOnly = await timed(connection, f, 1, async (raw) => {
    await connection.sendRawTransaction(raw);
  });
  console.log(`${label} send-only:    ${rate(COUNT, sendOnly)}`);
  const confirmed = await timed(connection, f, 2, async (raw, blockhash, lastValidBlockHeight) => {
    const signature = await connection.sendRawTransaction(raw);
    const result = await connection.confirmTransaction({ signature, blockhash, lastValidBlockHeight });
    if (result.value.err) throw new Error(`transfer failed: ${JSON.stringify(result.value.err)}`);
  });
  console.log(`${label} send+confirm: ${rate(COUNT, confirmed)}`);
}

async function inProcess(): Promise<void> {
  const running = await startEmbeddedChain({ port: 0 });
  try {
    const connection = createConnection(running.url);
    const f = await fixture(connection);
    const chain: EmbeddedChain = running.chain;
    const txs = signTransfers(f, chain.latestBlockhash(), COUNT, 3);
    const t0 = performance.now();
    for (const raw of txs) {
      const outcome = chain.submit(raw, { skipPreflight: false });
      if (outcome.kind !== 'landed') throw new Error(`not landed: ${outcome.kind}`);
    }
    console.log(`in-process submit:       ${rate(COUNT, performance.now() - t0)}`);
    await overRpc(running.url, 'same thread');
  } finally {
    await running.close();
  }
}

if (isMainThread) {
  console.log(`embedded chain bench: ${COUNT} SPL transferChecked per run, ${IN_FLIGHT} in flight, Node ${process.version}`);
  await inProcess();
  const worker = new Worker(new URL(import.meta.url), { workerData: { serve: true } });
  const url = await new Promise<string>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  try {
    await overRpc(url, 'worker chain');
  } finally {
    await worker.terminate();
  }
} else if ((workerData as { serve?: boolean }).serve) {
  const running = await startEmbeddedChain({ port: 0 });
  parentPort?.postMessage(running.url);
}
