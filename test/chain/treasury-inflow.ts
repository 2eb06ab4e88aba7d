// Issue #26 test tooling: a payer that sends real USDC payments into the demo treasury, and an
// RPC proxy that lands the next queued payment right before it forwards a simulateTransaction
// request, i.e. after the caller read the pre-state and before the simulation runs.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createAssociatedTokenAccountInstruction,
  createMintToInstruction,
  createTransferInstruction,
  getAssociatedTokenAddressSync,
} from '@solana/spl-token';
import { Keypair, Transaction } from '@solana/web3.js';
import type { EmbeddedChain } from '../../src/chain/index.js';
import { DEMO, demoKeypair } from '../../src/demo/addresses.js';

export interface InflowProxy {
  url: string;
  /** Payments (USDC base units) to land, one before each of the next simulateTransaction requests. */
  queue: bigint[];
  close(): Promise<void>;
}

/** Funds a fresh payer with 10,000,000 USDC on the demo chain; returns a function paying the treasury. */
export function treasuryPayer(chain: EmbeddedChain): (amount: bigint) => void {
  const payer = Keypair.generate();
  const mint = DEMO.mints.USDC;
  const source = getAssociatedTokenAddressSync(mint, payer.publicKey);
  chain.airdrop(payer.publicKey, 1_000_000_000n);
  const mintAuthority = demoKeypair('mint-authority');
  const setup = new Transaction({ feePayer: payer.publicKey, recentBlockhash: chain.latestBlockhash() });
  setup.add(createAssociatedTokenAccountInstruction(payer.publicKey, source, payer.publicKey, mint));
  setup.add(createMintToInstruction(mint, source, mintAuthority.publicKey, 10_000_000_000_000n));
  setup.sign(payer, mintAuthority);
  chain.processTransaction(setup);
  return (amount) => {
    const tx = new Transaction({ feePayer: payer.publicKey, recentBlockhash: chain.latestBlockhash() });
    tx.add(createTransferInstruction(source, DEMO.treasuryTokenAccounts.USDC, payer.publicKey, amount));
    tx.sign(payer);
    chain.processTransaction(tx);
  };
}

export async function startInflowProxy(chain: EmbeddedChain, target: string): Promise<InflowProxy> {
  const pay = treasuryPayer(chain);
  const queue: bigint[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', async () => {
      if ((JSON.parse(body) as { method?: string }).method === 'simulateTransaction') {
        const amount = queue.shift();
        if (amount !== undefined) pay(amount);
      }
      const forwarded = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      res.writeHead(forwarded.status, { 'content-type': 'application/json' }).end(await forwarded.text());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    queue,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
