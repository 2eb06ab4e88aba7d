// Fork mode (#22) against an upstream that is another embedded chain PROCESS seeded with the demo
// DAO (`localnet --demo`, the real governance program when ../shared/programs has it), reached
// through a counting proxy that refuses getProgramAccounts on the token programs with -32010
// (as public mainnet nodes do) and answers 429 now and then. The fork runs in this process.
import { resolve } from 'node:path';
import { createTransferCheckedInstruction, getAccount } from '@solana/spl-token';
import { Transaction, TransactionInstruction, sendAndConfirmTransaction, type Connection } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTreasury } from '../../src/agent/observe-treasury.js';
import {
  createConnection,
  spawnEmbeddedChain,
  startEmbeddedChain,
  type EmbeddedChainChild,
  type RunningEmbeddedChain,
} from '../../src/chain/index.js';
import { loadConfig, type AgentConfig, type PolicyConfig } from '../../src/config/index.js';
import { DEMO, GOVERNANCE_PROGRAM_ID } from '../../src/demo/index.js';
import { getProposals, indexTreasury, reviewRealm, treasuryContextFromView } from '../../src/governance/index.js';
import { governanceProgram } from '../helpers/programs.js';
import { demoKeypair } from '../../src/demo/addresses.js';
import { StewardError } from '../../src/errors/index.js';
import { startRpcProxy, type RpcProxy } from '../helpers/rpc-proxy.js';
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

beforeAll(async () => {
  upstream = await spawnEmbeddedChain({ demo: true });
  proxy = await startRpcProxy(
    () => upstream.url,
    undefined,
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

const observe = (connection: Connection, now: Date) =>
  readTreasury(connection, { agent, policy, agentKey: DEMO.agent.toBase58(), now, previous: null, embedded: true });

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
    const observeOnFork = async () => {
      const before = proxy.requests;
      const sendsBefore = proxy.methods['sendTransaction'];
      const result = await runCli([
        '--config',
        resolve(import.meta.dirname, '../..'),
        '--db',
        db,
        '--fork',
        proxy.url,
        'observe',
        '--agent-key',
        DEMO.agent.toBase58(),
      ]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^Chain: fork of ${proxy.url.replace(/[.]/g, '\\.')}/? `, 'm'));
      const line =
        /^Fork: of .* from its slot \d+; (\d+) upstream request\(s\) \(budget 500\), (\d+) account\(s\) from it or the cache, read at slots \d+\.\.\d+; (\d+) read\(s\) from the store's cache(?:, (\d+) cached read\(s\) too old to trust \(over 9000 slots before the fork\) read again)?$/m.exec(
          result.stdout,
        );
      expect(line, result.stdout).not.toBeNull();
      expect(Number(line![1])).toBe(proxy.requests - before);
      expect(result.stdout).toContain('Agent allowances: 50,000 USDC ($50,000), 20,000 USDT ($19,830)');
      expect(proxy.methods['sendTransaction']).toBe(sendsBefore);
      return {
        requests: Number(line![1]),
        accounts: Number(line![2]),
        hits: Number(line![3]),
        tooOld: Number(line![4] ?? 0),
        stdout: result.stdout,
      };
    };
    const cold = await observeOnFork();
    expect(cold.hits).toBe(0);
    expect(cold.requests).toBeGreaterThan(2);

    // The second command on a fork of the same upstream reads what the first one fetched from the store.
    const warm = await observeOnFork();
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
    const aged = await observeOnFork();
    expect(aged.tooOld).toBeGreaterThan(10);
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
      actions: [{ kind: 'transfer', token: 'USDC', amount: '7', to: DEMO.grantee.toBase58(), reason: 'invoice 7' }],
    });
    try {
      const dir = tempDir('steward-fork-run-');
      mkdirSync(join(dir, 'agents'), { recursive: true });
      mkdirSync(join(dir, 'policies'), { recursive: true });
      const keypairPath = join(dir, 'agent.json');
      writeFileSync(keypairPath, JSON.stringify([...demoKeypair('agent').secretKey]));
      writeFileSync(
        join(dir, 'agents', 'payer.yaml'),
        [
          'name: payer',
          'tasks: [treasury]',
          'policy: payer',
          'signer: { env: STEWARD_KEYPAIR }',
          `treasury: { owners: [${DEMO.nativeTreasury.toBase58()}] }`,
          'mode: autonomous',
          'maxActionsPerRun: 1',
          'instructions: Pay the grantee within policy.',
          `model: { endpoint: { baseUrl: "${model.url}", model: fake, maxRetries: 0, timeoutMs: 30000 } }`,
          '',
        ].join('\n'),
      );
      writeFileSync(
        join(dir, 'policies', 'payer.yaml'),
        [
          'name: payer',
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
      expect(result.stdout).toContain('1 proposed, 0 denied, 0 awaiting approval, 1 confirmed');
      // The run journals apart: steward.fork.db holds it, the real journal does not exist.
      const journal = openStore(join(dir, 'steward.fork.db'));
      const actions = journal.db.prepare('SELECT state FROM actions').all() as { state: string }[];
      journal.close();
      expect(actions).toEqual([{ state: 'confirmed' }]);
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
});
