// Fork mode (#22) against an upstream that is another embedded chain PROCESS seeded with the demo
// DAO (`localnet --demo`, the real governance program when ../shared/programs has it), reached
// through a counting proxy that refuses getProgramAccounts on the token programs with -32010
// (as public mainnet nodes do), answers 429 now and then, records the slot it answered each
// account read at, and (when a test asks) moves the upstream's slot ahead before each request.
// The fork runs in this process.
import { resolve } from 'node:path';
import { createTransferCheckedInstruction, getAccount } from '@solana/spl-token';
import { Transaction, TransactionInstruction, sendAndConfirmTransaction, type Connection } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeTreasuryRead, readTreasury } from '../../src/agent/observe-treasury.js';
import {
  createConnection,
  spawnEmbeddedChain,
  startEmbeddedChain,
  type EmbeddedChainChild,
  type RunningEmbeddedChain,
} from '../../src/chain/index.js';
import { durationMs, loadConfig, type AgentConfig, type PolicyConfig } from '../../src/config/index.js';
import { DEMO, GOVERNANCE_PROGRAM_ID } from '../../src/demo/index.js';
import { getProposals, indexTreasury, reviewRealm, treasuryContextFromView } from '../../src/governance/index.js';
import { governanceProgram } from '../helpers/programs.js';
import { demoKeypair } from '../../src/demo/addresses.js';
import { StewardError } from '../../src/errors/index.js';
import { startRpcProxy, type RpcProxy, type RpcRequest } from '../helpers/rpc-proxy.js';
import { runCli, runCliProcess } from '../helpers/cli.js';
import { startFakeModel } from '../helpers/fake-model.js';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tempDir } from '../helpers/tmp.js';
import { openStore } from '../../src/store/index.js';
import { buildTreasuryView } from '../../src/treasury/index.js';
import { join } from 'node:path';

const TOKEN_PROGRAMS = new Set(['TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA', 'TokenzQdBNbLqP5VEhdkAS14EPFLzqZqSSL3s5shT8HSHhFn']);

let upstream: EmbeddedChainChild;
let proxy: RpcProxy;
let fork: RunningEmbeddedChain;
let agent: AgentConfig;
let policy: PolicyConfig;
let refused429 = 0;
let refused32010 = 0;
/** Slots the proxy moves the upstream ahead before forwarding each request (0: it stays). */
let advancePerRequest = 0;
/** The upstream slot the proxy last saw each account answered at (reads and listings). */
const upstreamReadAt = new Map<string, number>();

function recordReadSlots(request: RpcRequest, answer: Record<string, unknown>): Record<string, unknown> {
  const result = answer?.['result'] as { context?: { slot?: number }; value?: unknown } | undefined;
  const slot = result?.context?.slot;
  if (typeof slot !== 'number' || !Array.isArray(result?.value)) return answer;
  if (request.method === 'getMultipleAccounts' && Array.isArray(request.params[0]))
    for (const address of request.params[0] as string[]) upstreamReadAt.set(address, slot);
  if (request.method === 'getTokenAccountsByOwner' || request.method === 'getProgramAccounts')
    for (const entry of result.value as Array<{ pubkey: string }>) upstreamReadAt.set(entry.pubkey, slot);
  return answer;
}

async function upstreamRpc(method: string, params: unknown[]): Promise<unknown> {
  const answer = (await (
    await fetch(upstream.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    })
  ).json()) as { result?: unknown; error?: { message: string } };
  if (answer.error) throw new Error(`${method}: ${answer.error.message}`);
  return answer.result;
}

beforeAll(async () => {
  upstream = await spawnEmbeddedChain({ demo: true });
  proxy = await startRpcProxy(
    () => upstream.url,
    () => recordReadSlots,
    (request, index) => {
      if (index % 4 === 1) {
        refused429++;
        return { status: 429, text: 'Too many requests for a specific RPC call' };
      }
      const program = request.params?.[0];
      if (request.method === 'getProgramAccounts' && typeof program === 'string' && TOKEN_PROGRAMS.has(program)) {
        refused32010++;
        return {
          error: { code: -32010, message: `${program} excluded from account secondary indexes; this RPC method unavailable for key` },
        };
      }
      return undefined;
    },
    { advanceSlots: () => advancePerRequest },
  );
  fork = await startEmbeddedChain({ fork: { url: proxy.url } });
  const config = loadConfig(resolve(import.meta.dirname, '../..'));
  agent = config.agents.find((file) => file.config.name === 'treasury-guardian')!.config;
  policy = config.policies.find((file) => file.config.name === agent.policy)!.config;
}, 120_000);
afterAll(async () => {
  await fork?.close();
  await proxy?.close();
  await upstream?.close();
});

const observe = (connection: Connection, now: Date, onFork = false) =>
  readTreasury(connection, { agent, policy, agentKey: DEMO.agent.toBase58(), now, previous: null, embedded: true, fork: onFork });

/**
 * A config folder with one autonomous agent `name` (signer $STEWARD_KEYPAIR, the demo agent key,
 * over the demo treasury) and its policy (SOL and USDC, transfers to the grantee up to $100);
 * `model`: the agent file's `model:` value, or null for none.
 */
function writeForkAgent(
  name: string,
  options: { maxActions: number; instructions: string; model: string | null },
): { dir: string; keypairPath: string } {
  const dir = tempDir(`steward-fork-${name}-`);
  mkdirSync(join(dir, 'agents'), { recursive: true });
  mkdirSync(join(dir, 'policies'), { recursive: true });
  const keypairPath = join(dir, 'agent.json');
  writeFileSync(keypairPath, JSON.stringify([...demoKeypair('agent').secretKey]));
  writeFileSync(
    join(dir, 'agents', `${name}.yaml`),
    [
      `name: ${name}`,
      'tasks: [treasury]',
      `policy: ${name}`,
      'signer: { env: STEWARD_KEYPAIR }',
      `treasury: { owners: [${DEMO.nativeTreasury.toBase58()}] }`,
      'mode: autonomous',
      `maxActionsPerRun: ${options.maxActions}`,
      `instructions: ${options.instructions}`,
      ...(options.model === null ? [] : [`model: ${options.model}`]),
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'policies', `${name}.yaml`),
    [
      `name: ${name}`,
      'tokens:',
      `  SOL:  { mint: native, decimals: 9, pyth: ${DEMO.priceAccounts.SOL.toBase58()} }`,
      `  USDC: { mint: ${DEMO.mints.USDC.toBase58()}, decimals: 6, pyth: ${DEMO.priceAccounts.USDC.toBase58()}, stable: true }`,
      'limits: { perTx: { usd: "100", tokens: { USDC: "100" } } }',
      `allow: { actions: [transfer, none], destinations: [${DEMO.grantee.toBase58()}] }`,
      'approval: { aboveUsd: "1000000", actions: [], expiresAfter: 24h }',
      'oracle: { maxStaleness: 600s, maxConfidenceBps: 100 }',
      '',
    ].join('\n'),
  );
  return { dir, keypairPath };
}

interface ForkLine {
  forkSlot: bigint;
  requests: number;
  accounts: number;
  readSlots: [bigint, bigint];
  hits: number;
  tooOld: number;
  maxAge: number | null;
  stdout: string;
}

/** `steward observe --fork` on the proxy with `db`, its `Fork:` line read; `extra`: more global options. */
async function observeOnFork(db: string, extra: string[] = []): Promise<ForkLine> {
  // The command's own count must equal what the proxy saw: nothing else talks to it meanwhile (a
  // closed fork of an earlier case asks its upstream nothing more, not even a pending retry).
  const before = proxy.requests;
  const methodsBefore = { ...proxy.methods };
  const sendsBefore = proxy.methods['sendTransaction'];
  const result = await runCli([
    '--config',
    resolve(import.meta.dirname, '../..'),
    '--db',
    db,
    '--fork',
    proxy.url,
    ...extra,
    'observe',
    '--agent-key',
    DEMO.agent.toBase58(),
  ]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(new RegExp(`^Chain: fork of ${proxy.url.replace(/[.]/g, '\\.')}/? `, 'm'));
  const line =
    /^Fork: of .* from its slot (\d+); (\d+) upstream request\(s\) \(budget 500\), (\d+) account\(s\) from it or the cache, read at slots (\d+)\.\.(\d+); (\d+) read\(s\) from the store's cache(?:, (\d+) cached read\(s\) too old to trust \(over (\d+) slots before the fork\) read again)?$/m.exec(
      result.stdout,
    );
  expect(line, result.stdout).not.toBeNull();
  const [, forkSlot, requests, accounts, min, max, hits, tooOld, maxAge] = line!;
  const seen = Object.entries(proxy.methods)
    .map(([method, n]) => `${method} ${n - (methodsBefore[method] ?? 0)}`)
    .join(', ');
  expect(Number(requests), `the proxy saw: ${seen}; the command said:\n${result.stdout}`).toBe(proxy.requests - before);
  expect(proxy.methods['sendTransaction']).toBe(sendsBefore);
  return {
    forkSlot: BigInt(forkSlot!),
    requests: Number(requests),
    accounts: Number(accounts),
    readSlots: [BigInt(min!), BigInt(max!)],
    hits: Number(hits),
    tooOld: Number(tooOld ?? 0),
    maxAge: maxAge === undefined ? null : Number(maxAge),
    stdout: result.stdout,
  };
}

describe('fork of an embedded demo chain', () => {
  it('starts at the upstream clock and observes the same treasury and positions as the upstream', async () => {
    const info = fork.fork!.info();
    expect(BigInt(info.forkSlot)).toBeGreaterThan(0n);
    expect(fork.chain.clock().slot).toBeGreaterThanOrEqual(BigInt(info.forkSlot));

    const now = new Date();
    const onFork = await observe(createConnection(fork.url), now);
    const onUpstream = await observe(createConnection(upstream.url), now);
    expect(onFork.snapshot.tokenAccounts).toEqual(onUpstream.snapshot.tokenAccounts);
    expect(onFork.snapshot.mints).toEqual(onUpstream.snapshot.mints);
    expect(onFork.snapshot.stakeAccounts).toEqual(onUpstream.snapshot.stakeAccounts);
    expect(onFork.snapshot.allowances).toEqual(onUpstream.snapshot.allowances);
    expect(onFork.snapshot.owners).toEqual(onUpstream.snapshot.owners);
    expect(onFork.snapshot.prices.map((p) => [p.symbol, p.component, p.exponent])).toEqual(
      onUpstream.snapshot.prices.map((p) => [p.symbol, p.component, p.exponent]),
    );
    expect(onFork.positions).toEqual(onUpstream.positions);
    expect(onFork.snapshot.problems).toEqual(onUpstream.snapshot.problems);

    // The token listings were refused with -32010 and answered per owner; 429s were retried.
    expect(refused32010).toBeGreaterThan(0);
    expect(proxy.methods['getTokenAccountsByOwner']).toBeGreaterThan(0);
    expect(refused429).toBeGreaterThan(0);
    const after = fork.fork!.info();
    expect(after.fetched).toBeGreaterThan(10);
    expect(BigInt(after.readSlots.min!)).toBeGreaterThanOrEqual(BigInt(info.forkSlot));

    // A second observation is served locally: no new upstream request.
    const requests = proxy.requests;
    const again = await observe(createConnection(fork.url), now);
    expect(again.snapshot.tokenAccounts).toEqual(onFork.snapshot.tokenAccounts);
    expect(proxy.requests).toBe(requests);
  });

  it('lands a delegate transfer on the fork only: the upstream balances and transaction count are unchanged and it never saw a send', async () => {
    const forkConnection = createConnection(fork.url);
    const upstreamConnection = createConnection(upstream.url);
    const source = DEMO.treasuryTokenAccounts.USDC;
    const destination = DEMO.granteeUsdcAccount;
    const [upstreamSourceBefore, upstreamDestinationBefore, upstreamCountBefore] = await Promise.all([
      getAccount(upstreamConnection, source),
      getAccount(upstreamConnection, destination),
      upstreamConnection.getTransactionCount(),
    ]);
    const forkDestinationBefore = await getAccount(forkConnection, destination);
    const agentKey = demoKeypair('agent');
    const amount = 1_234_000_000n;
    const tx = new Transaction().add(createTransferCheckedInstruction(source, DEMO.mints.USDC, destination, agentKey.publicKey, amount, 6));
    await sendAndConfirmTransaction(forkConnection, tx, [agentKey], { commitment: 'confirmed' });

    expect((await getAccount(forkConnection, destination)).amount - forkDestinationBefore.amount).toBe(amount);
    const [upstreamSourceAfter, upstreamDestinationAfter, upstreamCountAfter] = await Promise.all([
      getAccount(upstreamConnection, source),
      getAccount(upstreamConnection, destination),
      upstreamConnection.getTransactionCount(),
    ]);
    expect(upstreamSourceAfter.amount).toBe(upstreamSourceBefore.amount);
    expect(upstreamDestinationAfter.amount).toBe(upstreamDestinationBefore.amount);
    // The upstream's oracle writes prices without transactions: its count moves only with transactions.
    expect(upstreamCountAfter).toBe(upstreamCountBefore);
    expect(proxy.methods['sendTransaction']).toBeUndefined();
    expect(proxy.methods['simulateTransaction']).toBeUndefined();
    expect(Object.keys(proxy.methods).sort()).toEqual(expect.arrayContaining(['getMultipleAccounts']));
    for (const method of Object.keys(proxy.methods))
      expect(['getMultipleAccounts', 'getProgramAccounts', 'getTokenAccountsByOwner', 'getSlot']).toContain(method);
  });

  it.skipIf(!governanceProgram)(
    "reads the realm's proposals and reviews them as the upstream does, running the governance program fetched from it",
    async () => {
      const forkConnection = createConnection(fork.url);
      const params = { programId: GOVERNANCE_PROGRAM_ID, realm: DEMO.realm };
      const [onFork, onUpstream] = [await getProposals(forkConnection, params), await getProposals(createConnection(upstream.url), params)];
      expect(onFork.proposals.length).toBeGreaterThan(0);
      expect(onFork.proposals).toEqual(onUpstream.proposals);
      // The program came with the fork's first access; it runs (and rejects an empty instruction itself).
      const payer = demoKeypair('agent');
      const tx = new Transaction().add(
        new TransactionInstruction({ programId: GOVERNANCE_PROGRAM_ID, keys: [], data: Buffer.from([255]) }),
      );
      tx.feePayer = payer.publicKey;
      tx.recentBlockhash = (await forkConnection.getLatestBlockhash()).blockhash;
      tx.sign(payer);
      const simulated = await forkConnection.simulateTransaction(tx);
      expect(simulated.value.logs?.join('\n')).toContain(`Program ${GOVERNANCE_PROGRAM_ID.toBase58()} invoke [1]`);
      expect(JSON.stringify(simulated.value.err)).not.toMatch(/ProgramAccountNotFound|InvalidProgramForExecution|UnsupportedProgramId/);
      expect(proxy.methods['simulateTransaction']).toBeUndefined();

      // Reviews (no model; decoded, flagged and simulated through the governance program) on the fork
      // match the upstream's, given the same treasury: the simulation runs on the fork, never upstream.
      const read = await observe(createConnection(upstream.url), new Date());
      const treasury = indexTreasury(treasuryContextFromView(buildTreasuryView(read.snapshot, read.positions)));
      const review = async (connection: Connection) =>
        (await reviewRealm(connection, { ...params, treasury, now: Math.floor(Date.now() / 1000), model: null, force: true })).outcomes.map(
          (outcome) => {
            if (outcome.status !== 'reviewed') return outcome.status;
            const { review: r } = outcome;
            return {
              proposal: r.proposal.address,
              recommendation: r.recommendation,
              maxSeverity: r.maxSeverity,
              flags: r.flags.map((flag) => `${flag.severity} ${flag.id}`).sort(),
              instructions: r.instructions,
              recipients: r.recipients,
              simulated:
                r.simulation.status === 'simulated'
                  ? { ok: r.simulation.ok, path: r.simulation.path, error: r.simulation.error }
                  : r.simulation.status,
            };
          },
        );
      const [reviewedOnFork, reviewedUpstream] = [await review(forkConnection), await review(createConnection(upstream.url))];
      expect(reviewedOnFork.length).toBeGreaterThan(0);
      expect(reviewedOnFork).toEqual(reviewedUpstream);
      expect(reviewedOnFork.some((r) => typeof r === 'object' && typeof r.simulated === 'object' && r.simulated.path === 'program')).toBe(
        true,
      );
      expect(proxy.methods['simulateTransaction']).toBeUndefined();
      expect(proxy.methods['sendTransaction']).toBeUndefined();
    },
    120_000,
  );

  it('steward observe --fork: the command runs on a fork in a child process, says what the upstream cost, and a second command starts warm from the store', async () => {
    const db = join(tempDir(), 'steward.db');
    const forkJournal = db.replace(/steward\.db$/, 'steward.fork.db');
    const cold = await observeOnFork(db);
    expect(cold.stdout).toContain('Agent allowances: 50,000 USDC ($50,000), 20,000 USDT ($19,830)');
    expect(cold.hits).toBe(0);
    expect(cold.requests).toBeGreaterThan(2);

    // The second command on a fork of the same upstream reads what the first one fetched from the store.
    const warm = await observeOnFork(db);
    expect(warm.hits).toBeGreaterThan(10);
    expect(warm.requests).toBeLessThan(cold.requests);

    // Reads older than the cache's age limit are not trusted: read again from the upstream, and said so.
    // (A --fork command journals apart, in steward.fork.db beside --db, with the fork cache.)
    expect(existsSync(forkJournal)).toBe(true);
    const store = openStore(forkJournal);
    // The upstream here is young (a few hundred slots): the cached reads are moved back 100 000 slots.
    store.db.prepare('UPDATE fork_accounts SET slot = slot - 100000').run();
    store.db.prepare('UPDATE fork_listings SET slot = slot - 100000').run();
    store.close();
    const aged = await observeOnFork(db);
    expect(aged.tooOld).toBeGreaterThan(10);
    expect(aged.maxAge).toBe(9000);
    expect(aged.hits).toBe(0);
    expect(aged.requests).toBeGreaterThan(warm.requests);
    // What was read again replaced the old reads in the store.
    const again = openStore(forkJournal);
    const oldest = (again.db.prepare('SELECT min(slot) AS slot FROM fork_listings').get() as { slot: number }).slot;
    again.close();
    expect(oldest).toBeGreaterThanOrEqual(0);
  }, 240_000);

  it("steward run AGENT --fork: the agent's transfer is built, simulated, signed and lands on the fork only; the upstream sees no send", async () => {
    const model = await startFakeModel({
      assessment: 'Pay the grantee.',
      actions: [
        { kind: 'transfer', token: 'USDC', amount: '7', to: DEMO.grantee.toBase58(), reason: 'invoice 7' },
        // A recipient off the allow-list: denied, and said so with the rule's reason.
        { kind: 'transfer', token: 'USDC', amount: '1', to: DEMO.agent.toBase58(), reason: 'invoice 8' },
      ],
    });
    try {
      const { dir, keypairPath } = writeForkAgent('payer', {
        maxActions: 2,
        instructions: 'Pay the grantee within policy.',
        model: `{ endpoint: { baseUrl: "${model.url}", model: fake, maxRetries: 0, timeoutMs: 30000 } }`,
      });
      const upstreamConnection = createConnection(upstream.url);
      const [grantee, count] = [
        (await getAccount(upstreamConnection, DEMO.granteeUsdcAccount)).amount,
        await upstreamConnection.getTransactionCount(),
      ];
      const sends = proxy.methods['sendTransaction'];
      const result = await runCliProcess(['--config', dir, '--db', join(dir, 'steward.db'), '--fork', proxy.url, 'run', 'payer'], {
        env: { STEWARD_KEYPAIR: keypairPath, STEWARD_REPORTS_DIR: join(dir, 'reports'), STEWARD_RPC_URL: '' },
        timeoutMs: 200_000,
      });
      expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^run 1 of payer: ok \\(autonomous, fork of ${proxy.url.replace(/[.]/g, '\\.')}`, 'm'));
      expect(result.stdout).toContain('2 proposed, 1 denied, 0 awaiting approval, 1 confirmed');
      // The run journals apart: steward.fork.db holds it, the real journal does not exist.
      const journal = openStore(join(dir, 'steward.fork.db'));
      const actions = journal.db.prepare('SELECT id, state FROM actions ORDER BY id').all() as { id: number; state: string }[];
      const signatures = journal.db.prepare("SELECT signature FROM transactions WHERE state = 'confirmed'").all() as {
        signature: string;
      }[];
      journal.close();
      expect(actions.map((action) => action.state)).toEqual(['confirmed', 'denied']);
      expect(signatures).toHaveLength(1);

      // What landed on the fork, per action: the amount in tokens and USD, the recipient, the fork's
      // signature and the balance changes the simulation measured; then that nothing went upstream.
      const out = result.stdout;
      const header = new RegExp(
        `^On the fork of ${proxy.url.replace(/[.]/g, '\\.')}/? \\(from its slot (\\d+); (\\d+) account\\(s\\) read at upstream slots (\\d+)\\.\\.(\\d+)\\):$`,
        'm',
      ).exec(out);
      expect(header, out).not.toBeNull();
      const [forkSlot, fetched, min, max] = header!.slice(1).map(Number) as [number, number, number, number];
      expect(fetched).toBeGreaterThan(10);
      expect(min).toBeGreaterThanOrEqual(forkSlot);
      expect(max).toBeGreaterThanOrEqual(min);
      const landed = new RegExp(
        `^  action ${actions[0]!.id}: transfer 7 USDC \\(\\$7\\) to ${DEMO.grantee.toBase58()} — landed on the fork in slot \\d+, signature (\\w+)$`,
        'm',
      ).exec(out);
      expect(landed, out).not.toBeNull();
      expect(landed![1]).toBe(signatures[0]!.signature);
      expect(out).toContain('    balance changes (simulated before signing):');
      expect(out).toContain(`      ${DEMO.treasuryTokenAccounts.USDC.toBase58()} (owner ${DEMO.nativeTreasury.toBase58()}): -7 USDC`);
      expect(out).toContain(`      ${DEMO.granteeUsdcAccount.toBase58()} (owner ${DEMO.grantee.toBase58()}): +7 USDC`);
      expect(out).toContain(
        `  action ${actions[1]!.id}: transfer 1 USDC ($1) to ${DEMO.agent.toBase58()} — denied: destination ${DEMO.agent.toBase58()} is not on the allow-list (allowed: ${DEMO.grantee.toBase58()})`,
      );
      const closing =
        /^Nothing was sent upstream: .* was asked (\d+) request\(s\), reads only \((.*)\); every transaction landed on the fork\.$/m.exec(
          out,
        );
      expect(closing, out).not.toBeNull();
      expect(Number(closing![1])).toBeGreaterThan(0);
      for (const [method] of closing![2]!.split(', ').map((entry) => entry.split(' ')))
        expect(['getMultipleAccounts', 'getProgramAccounts', 'getTokenAccountsByOwner', 'getSlot']).toContain(method);
      expect(existsSync(join(dir, 'steward.db'))).toBe(false);
      // On the upstream nothing changed and no transaction arrived; the proxy saw no send or simulation.
      expect((await getAccount(upstreamConnection, DEMO.granteeUsdcAccount)).amount).toBe(grantee);
      expect(await upstreamConnection.getTransactionCount()).toBe(count);
      expect(proxy.methods['sendTransaction']).toBe(sends);
      expect(proxy.methods['simulateTransaction']).toBeUndefined();
      expect(model.requests).toBeGreaterThan(0);
    } finally {
      await model.close();
    }
  }, 240_000);

  it('an agent with no model: validate --fork and run --fork agree that the generated test model stands in (nothing reaches the real cluster)', async () => {
    const { dir, keypairPath } = writeForkAgent('nomodel', { maxActions: 1, instructions: 'Keep the treasury safe.', model: null });
    // The cluster named by --url is a real one (here: nothing listening): only --fork makes the test model acceptable.
    const env = {
      STEWARD_KEYPAIR: keypairPath,
      STEWARD_MODEL: '',
      STEWARD_OPENAI_BASE_URL: '',
      STEWARD_RPC_URL: 'http://127.0.0.1:1',
      STEWARD_MODELS_DIR: join(dir, 'models'),
      STEWARD_REPORTS_DIR: join(dir, 'reports'),
    };
    const base = ['--config', dir, '--db', join(dir, 'steward.db')];
    const unforked = await runCliProcess([...base, 'validate'], { env, timeoutMs: 120_000 });
    expect(unforked.code).toBe(2);
    expect(unforked.stderr).toContain('the generated test model (random weights) is refused');

    const validated = await runCliProcess([...base, '--fork', proxy.url, 'validate'], { env, timeoutMs: 120_000 });
    expect(validated.code, `${validated.stdout}\n${validated.stderr}`).toBe(0);
    expect(validated.stdout).toContain('nomodel: model: none configured; runs on the fork use the generated test model (random weights)');

    const sends = proxy.methods['sendTransaction'];
    const ran = await runCliProcess([...base, '--fork', proxy.url, 'run', 'nomodel'], { env, timeoutMs: 200_000 });
    // Its random weights decide what they decide; what matters is that the run was not refused for them.
    expect(ran.stderr).not.toContain('does not use the generated test model');
    expect(ran.stdout).not.toContain('does not use the generated test model');
    expect(ran.stderr).toContain('note: agent "nomodel" has no model configured: using the generated test model with RANDOM weights');
    expect(ran.stdout).toMatch(/^run 1 of nomodel: (ok|failed)/m);
    expect(ran.stdout).toMatch(/^Nothing was sent upstream: /m);
    expect(proxy.methods['sendTransaction']).toBe(sends);
  }, 300_000);

  it('refuses bad --fork arguments with exit 2, saying what is wrong', async () => {
    const bad = await runCli(['localnet', '--fork', 'not a url']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--fork "not a url" is not a URL');
    const budget = await runCli(['localnet', '--fork', proxy.url, '--fork-budget', '0']);
    expect(budget.code).toBe(2);
    expect(budget.stderr).toContain('--fork-budget "0" is not a positive whole number');
    const demo = await runCli(['localnet', '--fork', proxy.url, '--demo']);
    expect(demo.code).toBe(2);
    expect(demo.stderr).toContain('--fork cannot be combined with --demo');
  });

  it('stops at its upstream request budget with a clear error', async () => {
    const small = await startEmbeddedChain({ fork: { url: proxy.url, budget: 2 } });
    try {
      const failure = await observe(createConnection(small.url), new Date()).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(StewardError);
      expect((failure as StewardError).message).toMatch(/fork upstream: this command has used its 2 upstream requests/);
      expect(small.fork!.info().requests).toBeLessThanOrEqual(2);
    } finally {
      await small.close();
    }
  });

  it('refuses a bad --fork-max-age with exit 2 on localnet and on a command, and without --fork', async () => {
    for (const value of ['0', '-5', '1.5', 'soon']) {
      const local = await runCli(['localnet', '--fork', proxy.url, '--fork-max-age', value]);
      expect(local.code).toBe(2);
      expect(local.stderr).toContain(`--fork-max-age "${value}" is not a positive whole number`);
    }
    const command = await runCli([
      '--config',
      resolve(import.meta.dirname, '../..'),
      '--db',
      join(tempDir(), 'steward.db'),
      '--fork',
      proxy.url,
      '--fork-max-age',
      '0',
      'observe',
    ]);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain('--fork-max-age "0" is not a positive whole number');
    const alone = await runCli(['localnet', '--fork-max-age', '100']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--fork-max-age needs --fork URL');
  });

  it('an upstream whose slot advances: reads are stamped with the slot each was answered at, and the fork says its start slot and the spread', async () => {
    upstreamReadAt.clear();
    // Every request the proxy forwards finds the upstream 7 slots further on (its clock too).
    advancePerRequest = 7;
    const moving = await startEmbeddedChain({ fork: { url: proxy.url } });
    try {
      const start = moving.fork!.info();
      await observe(createConnection(moving.url), new Date(), true);
      const info = moving.fork!.info();
      expect(info.forkSlot).toBe(start.forkSlot);
      const [min, max] = [BigInt(info.readSlots.min!), BigInt(info.readSlots.max!)];
      // The first reads come after the fork's start; later batches were answered at later slots.
      expect(min).toBeGreaterThan(BigInt(info.forkSlot));
      expect(max - min).toBeGreaterThanOrEqual(7n);
      const distinct = new Set([...moving.fork!.stamps.values()]);
      expect(distinct.size).toBeGreaterThan(1);
      // Each account's stamp is the slot the upstream answered it at, as the proxy saw it.
      let compared = 0;
      for (const [address, slot] of moving.fork!.stamps) {
        const seen = upstreamReadAt.get(address);
        if (seen === undefined) continue; // absent accounts of a listing's owner, say: nothing to compare
        expect(slot, address).toBe(BigInt(seen));
        compared++;
      }
      expect(compared).toBeGreaterThan(10);
    } finally {
      advancePerRequest = 0;
      await moving.close();
    }
  });

  it('--fork-max-age: after the upstream really moves on past it, cached reads are read again; within the default they serve', async () => {
    const db = join(tempDir(), 'steward.db');
    const cold = await observeOnFork(db);
    expect(cold.hits).toBe(0);
    expect(cold.readSlots[0]).toBeGreaterThanOrEqual(cold.forkSlot);
    // The upstream moves 200 slots on (slot and clock, through its steward_advanceSlots).
    const before = (await upstreamRpc('getSlot', [])) as number;
    await upstreamRpc('steward_advanceSlots', [200]);
    expect((await upstreamRpc('getSlot', [])) as number).toBeGreaterThanOrEqual(before + 200);
    // Reads over 100 slots before the new fork's start are too old to trust: all read again, at later slots.
    const aged = await observeOnFork(db, ['--fork-max-age', '100']);
    expect(aged.forkSlot).toBeGreaterThanOrEqual(cold.forkSlot + 200n);
    expect(aged.maxAge).toBe(100);
    expect(aged.tooOld).toBeGreaterThan(10);
    expect(aged.hits).toBe(0);
    expect(aged.readSlots[0]).toBeGreaterThan(cold.readSlots[1]);
    // Everything came from the upstream again (the request counts themselves differ by the 429s
    // the proxy answers to every fourth request, wherever that falls).
    expect(aged.accounts).toBeGreaterThanOrEqual(cold.accounts);
    // Under the default limit (9000 slots) the reads just made serve the next fork.
    const warm = await observeOnFork(db);
    expect(warm.tooOld).toBe(0);
    expect(warm.hits).toBeGreaterThan(10);
    expect(warm.requests).toBeLessThan(aged.requests);
  }, 240_000);

  it("prices read from the upstream go stale as the fork's clock moves on: flagged by the usual staleness rule, never refreshed", async () => {
    const local = await startEmbeddedChain({ fork: { url: proxy.url } });
    try {
      const connection = createConnection(local.url);
      const first = await observe(connection, new Date(), true);
      const fresh = first.snapshot.prices.filter((price) => price.trusted);
      expect(fresh.map((price) => price.symbol)).toEqual(expect.arrayContaining(['SOL', 'USDC', 'USDT']));
      const limit = durationMs(policy.oracle.maxStaleness) / 1000;
      const requests = proxy.requests;
      // Local time moves on: the fork's clock passes the policy's staleness window (warped, as landing
      // transactions for that long would). The upstream keeps publishing; the fork never asks it again.
      const slots = Math.ceil(((limit + 30) * 1000) / local.chain.slotMs);
      local.chain.advanceSlots(slots);
      const later = await observe(connection, new Date(), true);
      expect(proxy.requests).toBe(requests);
      for (const before of fresh) {
        const price = later.snapshot.prices.find((entry) => entry.symbol === before.symbol)!;
        expect(price.publishTime).toBe(before.publishTime);
        expect(price.trusted, before.symbol).toBe(false);
        expect(price.reasons).toEqual([expect.stringMatching(new RegExp(`^stale: published \\d+s ago, limit ${limit}s$`))]);
        expect(price.ageSeconds).toBeGreaterThan(limit);
      }
      // The observation says so as any stale oracle is said: the asset's value leaves the trusted total.
      const { analysis } = analyzeTreasuryRead(agent, later, null);
      const sol = analysis.flags.find((flag) => flag.code === 'untrusted-price' && flag.subject === 'SOL');
      expect(sol?.message).toMatch(
        new RegExp(
          `^SOL is valued at an untrusted price \\(stale: published \\d+s ago, limit ${limit}s\\); its value is left out of the trusted total$`,
        ),
      );
      expect(analyzeTreasuryRead(agent, first, null).analysis.flags.some((flag) => flag.subject === 'SOL')).toBe(false);
    } finally {
      await local.close();
    }
  });
});
