// `steward console [--port 8787] [--host 127.0.0.1]`: the operator console, a local web server
// over the same store and cluster the CLI uses (src/cli/console). Loopback by default; bound
// elsewhere it requires an access token ($STEWARD_CONSOLE_TOKEN, else a random one printed once).
// Runs until SIGINT/SIGTERM, then closes the server, the cluster and the store.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Command } from 'commander';
import { StewardError } from '../../errors/index.js';
import { createConsoleApp } from '../console/console-app.js';
import { isLoopbackHost, randomToken } from '../console/security.js';
import { createContext, type CliIo } from '../context.js';
import { SUMMARY } from '../summaries.js';
import { untilStopped } from '../until-stopped.js';

const TOKEN_ENV = 'STEWARD_CONSOLE_TOKEN';

function parsePort(text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65_535) {
    throw new StewardError('ARGUMENT_INVALID', `--port "${text}" is not a TCP port`, {
      hint: 'give a number from 1 to 65535 (0: any free port)',
    });
  }
  return Number(text);
}

export function registerConsole(program: Command, io: CliIo): void {
  program
    .command('console')
    .description(SUMMARY['console'])
    .option('--port <port>', 'TCP port (0: any free port)', '8787')
    .option('--host <address>', 'address to bind; anything but loopback requires the access token', '127.0.0.1')
    .action(async (options: { port: string; host: string }, command: Command) => {
      const port = parsePort(options.port);
      const host = options.host.trim();
      if (host === '' || /[\s/]/.test(host))
        throw new StewardError('ARGUMENT_INVALID', `--host "${options.host}" is not an address`, {
          hint: 'e.g. 127.0.0.1, ::1 or 0.0.0.0',
        });
      const loopback = isLoopbackHost(host);
      const fromEnv = process.env[TOKEN_ENV];
      if (fromEnv !== undefined && fromEnv !== '' && fromEnv.length < 16) {
        throw new StewardError('ARGUMENT_INVALID', `$${TOKEN_ENV} is too short to guard the console (${fromEnv.length} characters)`, {
          hint: 'use at least 16 random characters, or unset it to get a random token',
        });
      }
      const token = loopback ? null : fromEnv || randomToken();
      const ctx = createContext(command, io);
      const config = ctx.loadConfig();
      const store = ctx.openStore();
      let cluster: Awaited<ReturnType<typeof ctx.openCluster>> | undefined;
      try {
        cluster = await ctx.openCluster();
        const hosts = new Set<string>();
        const { app, observer } = createConsoleApp({
          db: store.db,
          config,
          settings: ctx.settings,
          cluster,
          logger: ctx.logger,
          access: { token, hosts, csrf: randomToken() },
        });
        await observer.observeAll();
        const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
          const started = serve({ fetch: app.fetch, port, hostname: host }, () => resolve(started));
          started.once('error', (error: NodeJS.ErrnoException) =>
            reject(
              new StewardError(
                error.code === 'EADDRINUSE' ? 'ARGUMENT_INVALID' : 'RPC_FAILED',
                `the console cannot listen on ${host}:${port}: ${error.message}`,
                { hint: 'choose another --port (0: any free port)', cause: error },
              ),
            ),
          );
        });
        const bound = (server.address() as AddressInfo).port;
        const shown = host.includes(':') ? `[${host}]` : host;
        for (const name of [shown, 'localhost', '127.0.0.1', '[::1]']) hosts.add(`${name}:${bound}`.toLowerCase());
        io.stdout(`Steward console on ${cluster.label}`);
        if (token === null) io.stdout(`Console: http://${shown}:${bound}/`);
        else {
          io.stdout(`Console: http://${shown}:${bound}/?token=${token}`);
          io.stdout(`Bound beyond loopback: every request needs this token (${fromEnv ? `$${TOKEN_ENV}` : 'printed once, here'}).`);
        }
        io.stdout('Ctrl-C to stop.');
        await untilStopped();
        // Open /events streams would hold close() forever.
        if ('closeAllConnections' in server) server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      } finally {
        await cluster?.close();
        store.close();
      }
    });
}
