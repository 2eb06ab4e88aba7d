// A fork's upstream client against a real HTTP server that answers 429 to everything: its retries
// spend the request budget like first tries (the budget is never overrun), and once closed it asks
// nothing more, even a retry that was waiting out its backoff when close() came.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultRetryOptions } from '../../src/chain/rpc.js';
import { createUpstream } from '../../src/chain/fork/upstream.js';
import { StewardError } from '../../src/errors/index.js';

let server: Server | null = null;
afterEach(async () => {
  const running = server;
  server = null;
  if (running) await new Promise<void>((done) => running.close(() => done()));
});

/** A server answering every request 429; `seen()`: the requests it received. */
async function alwaysLimited(): Promise<{ url: string; seen: () => number; firstRequest: Promise<void> }> {
  let seen = 0;
  let first: () => void = () => undefined;
  const firstRequest = new Promise<void>((done) => (first = done));
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      seen++;
      first();
      response.writeHead(429, { 'content-type': 'text/plain' }).end('Too many requests');
    });
  });
  await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen: () => seen, firstRequest };
}

describe('fork upstream', () => {
  it('counts retries against the budget: a budget of 2 makes 2 requests, not the 4 tries a read may take', async () => {
    const limited = await alwaysLimited();
    const upstream = createUpstream(limited.url, { budget: 2, retry: { ...defaultRetryOptions, baseDelayMs: 5, maxDelayMs: 5 } });
    const failure = await upstream.getSlot().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StewardError);
    expect((failure as StewardError).code).toBe('RPC_BUDGET_EXCEEDED');
    expect((failure as StewardError).message).toMatch(
      /this command has used its 2 upstream requests to http:\/\/127\.0\.0\.1:\d+\/? \(reading its slot\)/,
    );
    expect(limited.seen()).toBe(2);
    expect(upstream.counter.requests).toBe(2);
  });

  it('asks nothing after close(): a retry waiting out its backoff gives up, and later reads are refused', async () => {
    const limited = await alwaysLimited();
    const upstream = createUpstream(limited.url, { retry: { ...defaultRetryOptions, baseDelayMs: 300, maxDelayMs: 300 } });
    const reading = upstream.getAccounts(['SysvarC1ock11111111111111111111111111111111']).catch((error: unknown) => error);
    await limited.firstRequest;
    upstream.close();
    const failure = await reading;
    expect(failure).toBeInstanceOf(StewardError);
    expect((failure as StewardError).message).toMatch(/the fork is closed: its upstream .* is no longer read/);
    // Past the backoffs a fourth try would have waited out: still the one request.
    await new Promise((done) => setTimeout(done, 400));
    expect(limited.seen()).toBe(1);
    await expect(upstream.getSlot()).rejects.toThrow(/the fork is closed/);
    expect(limited.seen()).toBe(1);
  });
});
