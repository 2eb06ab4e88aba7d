// `steward localnet`: serves the embedded chain (LiteSVM) as a local validator would, for
// dry runs with the Solana CLI or any web3.js client. Runs until Ctrl-C / SIGTERM, then
// closes its servers and timers.
import type { Command } from 'commander';
import { startEmbeddedChain } from '../../chain/index.js';
import { StewardError } from '../../errors/index.js';
import type { CliIo } from '../context.js';

interface LocalnetOptions {
  port: string;
  program: string[];
  account: string[];
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(port) || port > 65534) {
    throw new StewardError('ARGUMENT_INVALID', `--port "${value}" is not a port number`, { hint: 'use 1–65534 (the websocket takes port + 1), or 0 for any free pair' });
  }
  return port;
}

function parsePrograms(values: string[]): { id: string; path: string }[] {
  return values.map((value) => {
    const at = value.indexOf('=');
    if (at <= 0 || at === value.length - 1) {
      throw new StewardError('ARGUMENT_INVALID', `--program "${value}" is not ID=FILE.so`, { hint: 'e.g. --program GovER5Lthms3bLBqWub97yVrMmEogzX7xNjdXpPPCVZw=./spl_governance.so' });
    }
    return { id: value.slice(0, at), path: value.slice(at + 1) };
  });
}

function parseAccounts(values: string[]): { address: string; path: string }[] {
  if (values.length % 2 !== 0) {
    throw new StewardError('ARGUMENT_INVALID', `--account takes two values, ADDRESS FILE.json; got ${values.length} value(s): ${values.join(' ')}`, {
      hint: 'e.g. --account 7xKX...address ./account.json (a `solana account ADDRESS --output json` file)',
    });
  }
  const out: { address: string; path: string }[] = [];
  for (let i = 0; i < values.length; i += 2) out.push({ address: values[i] as string, path: values[i + 1] as string });
  return out;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerLocalnet(program: Command, io: CliIo): void {
  program
    .command('localnet')
    .description('serve the embedded Solana chain (LiteSVM) on 127.0.0.1: JSON-RPC on --port, websocket on port + 1')
    .option('--port <port>', 'HTTP JSON-RPC port (0 = any free pair)', '8899')
    .option('--program <ID=FILE.so>', 'load a program binary at ID (repeatable)', collect, [])
    .option('--account <ADDRESS FILE.json...>', 'load an account from a `solana account --output json` file (repeatable)', [])
    .action(async (options: LocalnetOptions) => {
      const running = await startEmbeddedChain({
        port: parsePort(options.port),
        programs: parsePrograms(options.program),
        accounts: parseAccounts(options.account),
      });
      io.stdout(`JSON-RPC URL: ${running.url}`);
      io.stdout(`WebSocket URL: ${running.wsUrl}`);
      io.stdout(`embedded chain ready (slot ${running.chain.clock().slot}); Ctrl-C to stop`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await running.close();
      io.stdout('embedded chain stopped');
    });
}
