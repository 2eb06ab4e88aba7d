// Figure 7 — throughput of the embedded chain for SPL token transfers (transferChecked):
//   in-process    EmbeddedChain.submit on pre-signed wire bytes (preflight on);
//   send-only     stock web3.js Connection.sendRawTransaction over JSON-RPC (preflight on);
//   send+confirm  sendRawTransaction + confirmTransaction (websocket signatureSubscribe).
// Over JSON-RPC it is measured twice: the chain served from this process, and the chain in a
// child process (`steward localnet`, what openCluster('embedded') runs), as a validator runs in
// its own process. (The worker-thread variant this file used to have died with ECONNRESET when
// the worker was terminated under load; the child process is the deployment shape anyway.)
// Transactions are signed before timing: client ed25519 signing in JS (~2 ms each) is not the
// chain's work. Each loop also records CPU time (process.cpuUsage for this process, /proc/PID/stat
// for the child chain): on a shared 2-core machine wall rates follow the load, CPU rates much less.
import '../src/chain/embedded/v8-flags.js';
import { readFileSync } from 'node:fs';
import { Keypair, LAMPORTS_PER_SOL, Transaction, type Connection, type PublicKey } from '@solana/web3.js';
import { createAccount, createMint, createTransferCheckedInstruction, mintTo } from '@solana/spl-token';
import { createConnection, spawnEmbeddedChain, startEmbeddedChain } from '../src/chain/index.js';
import { atLeast, round, type BenchOptions, type Figure } from './lib.js';

const GROUP = '7. Embedded chain';
const IN_FLIGHT = 32;
const CHUNK = 250;
const SEND_TARGET = 400;

interface Fixture {
  payer: Keypair;
  owner: Keypair;
  mint: PublicKey;
  from: PublicKey;
  to: PublicKey;
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

async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

/** CPU milliseconds (user + system) of another process, from /proc; null where there is none. */
function processCpuMs(pid: number): number | null {
  try {
    const fields = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks: USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

const ownCpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

interface Spent {
  /** Wall milliseconds spent sending. */
  wallMs: number;
  /** CPU milliseconds of this process while sending (the client, and the chain when it runs here). */
  ownCpuMs: number;
  /** CPU milliseconds of the chain's process while sending, when it runs in another one. */
  chainCpuMs: number | null;
}

/** Signs and sends in chunks, each on a fresh blockhash, so slow runs never outlive it. Counts only the sending. */
async function timed(
  connection: Connection,
  f: Fixture,
  count: number,
  salt: number,
  chainPid: number | null,
  send: (raw: Buffer, blockhash: string, lastValidBlockHeight: number) => Promise<void>,
): Promise<Spent> {
  const spent: Spent = { wallMs: 0, ownCpuMs: 0, chainCpuMs: chainPid === null ? null : 0 };
  for (let done = 0; done < count; done += CHUNK) {
    const { blockhash, lastValidBlockHeight } = await connection.getLatestBlockhash();
    const txs = signTransfers(f, blockhash, Math.min(CHUNK, count - done), salt * 1000 + done);
    const chain0 = chainPid === null ? null : processCpuMs(chainPid);
    const cpu0 = ownCpuMs();
    const t0 = performance.now();
    await pool(txs, IN_FLIGHT, (raw) => send(raw, blockhash, lastValidBlockHeight));
    spent.wallMs += performance.now() - t0;
    spent.ownCpuMs += ownCpuMs() - cpu0;
    const chain1 = chainPid === null ? null : processCpuMs(chainPid);
    spent.chainCpuMs = spent.chainCpuMs === null || chain0 === null || chain1 === null ? null : spent.chainCpuMs + (chain1 - chain0);
  }
  return spent;
}

interface RpcRates {
  sendOnly: number;
  confirmed: number;
  /** Transfers per CPU-second: of this process, and of the chain's process when it is another. */
  cpu: { sendOnlyOwn: number; sendOnlyChain: number | null; confirmedOwn: number; confirmedChain: number | null };
}

async function overRpc(url: string, wsUrl: string, count: number, chainPid: number | null): Promise<RpcRates> {
  const connection = createConnection(url, { commitment: 'confirmed', wsUrl });
  const f = await fixture(connection);
  const sendOnly = await timed(connection, f, count, 1, chainPid, async (raw) => {
    await connection.sendRawTransaction(raw);
  });
  const confirmed = await timed(connection, f, count, 2, chainPid, async (raw, blockhash, lastValidBlockHeight) => {
    const signature = await connection.sendRawTransaction(raw);
    const result = await connection.confirmTransaction({ signature, blockhash, lastValidBlockHeight });
    if (result.value.err) throw new Error(`transfer failed: ${JSON.stringify(result.value.err)}`);
  });
  await quiesce(connection);
  const rate = (ms: number | null) => (ms === null || ms <= 0 ? null : round((count / ms) * 1000, 0));
  return {
    sendOnly: (count / sendOnly.wallMs) * 1000,
    confirmed: (count / confirmed.wallMs) * 1000,
    cpu: {
      sendOnlyOwn: rate(sendOnly.ownCpuMs) ?? 0,
      sendOnlyChain: rate(sendOnly.chainCpuMs),
      confirmedOwn: rate(confirmed.ownCpuMs) ?? 0,
      confirmedChain: rate(confirmed.chainCpuMs),
    },
  };
}

/**
 * web3.js's confirmTransaction leaves block-height pollers and one-shot status reads running for
 * up to a second after it resolves, and keeps reconnecting its websocket: a chain closed under
 * them resets those requests, and one of the resets escapes as an unhandled rejection (the
 * ECONNRESET that killed this bench's worker-thread variant). Let them finish, then close the socket.
 */
async function quiesce(connection: Connection): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  (connection as unknown as { _rpcWebSocket?: { close(): void } })._rpcWebSocket?.close();
}

export async function run(options: BenchOptions): Promise<Figure[]> {
  const count = options.size === 'smoke' ? 20 : 1000;
  const figures: Figure[] = [];
  const figure = (id: string, name: string, value: number | null, method: string, extra: Partial<Figure> = {}): void => {
    figures.push({
      id,
      group: GROUP,
      name,
      value: value === null ? null : round(value, 0),
      unit: 'tx/s',
      method: `${method}; ${count} SPL transferChecked, signed before timing`,
      ...extra,
    });
  };
  // The stated target is for send-only over JSON-RPC with a stock web3.js Connection.
  const sendTarget = (value: number | null): Partial<Figure> => ({ target: `≥ ${SEND_TARGET}/s`, met: atLeast(value, SEND_TARGET) });

  const running = await startEmbeddedChain({ port: 0 });
  try {
    const connection = createConnection(running.url, { wsUrl: running.wsUrl });
    const f = await fixture(connection);
    const txs = signTransfers(f, running.chain.latestBlockhash(), count, 3);
    const cpu0 = ownCpuMs();
    const t0 = performance.now();
    for (const raw of txs) {
      const outcome = running.chain.submit(raw, { skipPreflight: false });
      if (outcome.kind !== 'landed') throw new Error(`not landed: ${outcome.kind}`);
    }
    const submitCpu = round((count / (ownCpuMs() - cpu0)) * 1000, 0);
    figure(
      'chain.in-process-tps',
      'in-process submit (no RPC)',
      (count / (performance.now() - t0)) * 1000,
      'EmbeddedChain.submit with preflight, one after another',
      { details: { perCpuSecond: submitCpu } },
    );
    const same = await overRpc(running.url, running.wsUrl, count, null);
    figure(
      'chain.rpc-send-tps',
      'JSON-RPC send-only, chain in this process',
      same.sendOnly,
      `web3.js sendRawTransaction (preflight on), ${IN_FLIGHT} in flight`,
      { details: { perCpuSecondOfClientAndChain: same.cpu.sendOnlyOwn } },
    );
    figure(
      'chain.rpc-confirm-tps',
      'JSON-RPC send+confirm, chain in this process',
      same.confirmed,
      `sendRawTransaction + confirmTransaction (websocket), ${IN_FLIGHT} in flight`,
      { details: { perCpuSecondOfClientAndChain: same.cpu.confirmedOwn } },
    );
  } finally {
    await running.close();
  }

  const child = await spawnEmbeddedChain({ demo: false });
  try {
    const apart = await overRpc(child.url, child.wsUrl, count, child.pid);
    figure(
      'chain.child-send-tps',
      'JSON-RPC send-only, chain in a child process',
      apart.sendOnly,
      `steward localnet child (as openCluster('embedded')), sendRawTransaction, ${IN_FLIGHT} in flight`,
      {
        ...sendTarget(apart.sendOnly),
        details: { perCpuSecondOfChain: apart.cpu.sendOnlyChain, perCpuSecondOfClient: apart.cpu.sendOnlyOwn },
      },
    );
    figure(
      'chain.child-send-per-chain-cpu-second',
      'JSON-RPC send-only, per CPU-second of the chain process',
      apart.cpu.sendOnlyChain,
      "the send-only loop above divided by the chain process's CPU time (/proc/PID/stat), so waiting for a loaded CPU and the client's own work do not count",
      sendTarget(apart.cpu.sendOnlyChain),
    );
    figure(
      'chain.child-confirm-tps',
      'JSON-RPC send+confirm, chain in a child process',
      apart.confirmed,
      `steward localnet child, sendRawTransaction + confirmTransaction (websocket), ${IN_FLIGHT} in flight`,
      {
        details: { perCpuSecondOfChain: apart.cpu.confirmedChain, perCpuSecondOfClient: apart.cpu.confirmedOwn },
      },
    );
  } finally {
    await child.close();
  }
  return figures;
}
