// Shared setup of the localnet conformance tests (#19): the embedded chain served over JSON-RPC
// with slots moving only when the test says so, a stock web3.js Connection, and a funded payer.
import { Keypair, LAMPORTS_PER_SOL, type Connection } from '@solana/web3.js';
import { createConnection, startEmbeddedChain, type RunningEmbeddedChain } from '../../src/chain/index.js';

export interface Localnet {
  running: RunningEmbeddedChain;
  connection: Connection;
  payer: Keypair;
}

export async function startLocalnet(): Promise<Localnet> {
  const running = await startEmbeddedChain({ autoAdvance: false });
  const connection = createConnection(running.url, { commitment: 'confirmed' });
  const payer = Keypair.generate();
  running.chain.airdrop(payer.publicKey, 50n * BigInt(LAMPORTS_PER_SOL));
  return { running, connection, payer };
}
