// The execution commands end to end through the CLI, against the embedded chain with the demo
// DAO: `steward allowance` reads the seeded grants; `steward approvals` lists, shows, approves
// (re-check against a fresh snapshot, then a real transfer lands), rejects, refuses expired and
// unknown requests and exits 3 when the re-check denies; `steward grant` prints an approve that
// decodes back to the SPL instruction and, with --execute, applies it on the embedded chain.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeApproveCheckedInstruction, decodeRevokeInstruction, TOKEN_PROGRAM_ID } from '@solana/spl-token';
import { PublicKey, TransactionInstruction, VersionedTransaction } from '@solana/web3.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createConnection } from '../../src/chain/index.js';
import { DEMO, demoKeypair } from '../../src/demo/addresses.js';
import { startDemoChain, type DemoChain } from '../../src/demo/index.js';
import { attemptsOf, readAction, recordDecision } from '../../src/execute/index.js';
import { evaluatePolicy } from '../../src/policy/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { demoContext, demoPolicy } from './execute-demo-context.js';
import { tokenBalance, usdc } from './execute-fixture.js';

const ROOT = join(import.meta.dirname, '../..');
const policy = demoPolicy();
let chain: DemoChain;
let keypairPath: string;
const savedKeypair = process.env['STEWARD_KEYPAIR'];

beforeAll(async () => {
  chain = await startDemoChain({ oracleIntervalMs: 1_000 });
  keypairPath = join(tempDir('steward-cli-key-'), 'agent.json');
  writeFileSync(keypairPath, JSON.stringify([...demoKeypair('agent').secretKey]));
});
afterAll(async () => {
  await chain?.close();
});
afterEach(() => {
  if (savedKeypair === undefined) delete process.env['STEWARD_KEYPAIR'];
  else process.env['STEWARD_KEYPAIR'] = savedKeypair;
});

function freshDb(): string {
  return join(tempDir('steward-cli-'), 'steward.db');
}

/** The CLI against the in-process chain, with the demo agent's key file as its signer. */
function cli(db: string, ...args: string[]) {
  process.env['STEWARD_KEYPAIR'] = keypairPath;
  return runCli(['--config', ROOT, '--db', db, '--url', chain.running.url, '--log-level', 'silent', ...args]);
}

/** Judges `payload` with the demo policy and journals it as a run of treasury-guardian would. */
function seed(store: Store, payload: unknown, now = Date.now()): number {
  const verdict = evaluatePolicy(policy, payload, demoContext(policy, now));
  return recordDecision({ db: store.db, policy, agent: 'treasury-guardian', payload, verdict, now: new Date(now) });
}

const large = (amount = '12000') => ({ kind: 'transfer', token: 'USDC', amount, to: DEMO.grantee.toBase58(), reason: 'quarterly audit' });

describe('steward allowance', () => {
  it("shows the demo agent's 50,000 USDC and 20,000 USDT, as a table and as JSON", async () => {
    const db = freshDb();
    const table = await cli(db, 'allowance');
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`USDC\\s+${DEMO.treasuryTokenAccounts.USDC.toBase58()}\\s+1,200,000\\s+the agent\\s+50,000`));
    expect(table.stdout).toMatch(new RegExp(`USDT\\s+${DEMO.treasuryTokenAccounts.USDT.toBase58()}\\s+400,000\\s+the agent\\s+20,000`));
    expect(table.stdout).toContain('The agent may move: 50,000 USDC ($50,000), 20,000 USDT ($19,830)');
    expect(table.stdout).toContain(`key ${DEMO.agent.toBase58()} ($STEWARD_KEYPAIR)`);

    const json = await cli(db, 'allowance', '--json');
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as {
      agentKey: string;
      allowances: { symbol: string; toAgent: boolean; remaining: string; remainingText: string }[];
    };
    expect(parsed.agentKey).toBe(DEMO.agent.toBase58());
    const granted = parsed.allowances.filter((a) => a.toAgent).map((a) => [a.symbol, a.remaining, a.remainingText]);
    expect(granted.sort()).toEqual([
      ['USDC', '50000000000', '50000'],
      ['USDT', '20000000000', '20000'],
    ]);
  });

  it('a key that is not an address is bad input', async () => {
    const result = await cli(freshDb(), 'allowance', '--agent-key', 'not-a-key');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--agent-key "not-a-key" is not a Solana address');
  });
});

describe('steward approvals', () => {
  it('list and show a pending request; approve re-checks, records who, and the transfer lands', async () => {
    const db = freshDb();
    const store = openStore(db);
    try {
      const id = seed(store, large());
      expect(readAction(store.db, id).state).toBe('pending-approval');

      const list = await cli(db, 'approvals', 'list');
      expect(list.code).toBe(0);
      expect(list.stdout).toMatch(
        new RegExp(`^\\s*${id}\\s+treasury-guardian\\s+transfer\\s+12,000 USDC → ${DEMO.grantee.toBase58()}\\s+\\$12,000\\s+pending`, 'm'),
      );

      const show = await cli(db, 'approvals', 'show', String(id));
      expect(show.code).toBe(0);
      expect(show.stdout).toContain('approval:   pending');
      expect(show.stdout).toContain('reason:     quarterly audit');
      expect(show.stdout).toMatch(/needs-approval\s+approval\.above-usd/);

      const before = await tokenBalance(createConnection(chain.running.url), DEMO.granteeUsdcAccount);
      const approve = await cli(db, 'approvals', 'approve', String(id), '--by', 'alice');
      expect(approve.code, approve.stdout + approve.stderr).toBe(0);
      expect(approve.stdout).toContain(`Action ${id} approved by alice`);
      expect(approve.stdout).toContain(`Signer: ${DEMO.agent.toBase58()} ($STEWARD_KEYPAIR)`);
      expect(approve.stdout).toMatch(/Executed: confirmed in slot \d+, signature \w+/);
      const after = await tokenBalance(createConnection(chain.running.url), DEMO.granteeUsdcAccount);
      expect(after - before).toBe(usdc(12_000));
      expect(readAction(store.db, id).state).toBe('confirmed');

      const shown = await cli(db, 'approvals', 'show', String(id), '--json');
      expect(JSON.parse(shown.stdout)).toMatchObject({ status: 'approved', decided_by: 'alice', action: { state: 'confirmed' } });

      const again = await cli(db, 'approvals', 'approve', String(id));
      expect(again.code).toBe(2);
      expect(again.stderr).toContain(`the approval of action ${id} is approved`);
      expect(attemptsOf(store.db, id)).toHaveLength(1);
    } finally {
      store.close();
    }
  });

  it('reject records who and why; the action never executes', async () => {
    const db = freshDb();
    const store = openStore(db);
    try {
      const id = seed(store, large('11000'));
      const reject = await cli(db, 'approvals', 'reject', String(id), '--reason', 'not budgeted', '--by', 'bob');
      expect(reject.code).toBe(0);
      expect(reject.stdout).toContain(`Action ${id} rejected by bob: not budgeted`);
      const show = await cli(db, 'approvals', 'show', String(id));
      expect(show.stdout).toContain('approval:   rejected by bob');
      expect(show.stdout).toContain('— not budgeted');
      expect(show.stdout).toContain('state:      rejected');
      const approve = await cli(db, 'approvals', 'approve', String(id));
      expect(approve.code).toBe(2);
      expect(approve.stderr).toContain('is rejected');
      expect(attemptsOf(store.db, id)).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('an expired request is listed as expired and never executes (exit 2, clear error)', async () => {
    const db = freshDb();
    const store = openStore(db);
    try {
      const id = seed(store, large('10500'), Date.now() - 25 * 3600_000);
      const pending = await cli(db, 'approvals', 'list');
      expect(pending.stdout).toContain('No pending approval requests.');
      const expired = await cli(db, 'approvals', 'list', '--status', 'expired');
      expect(expired.stdout).toMatch(new RegExp(`^\\s*${id}\\s.*\\sexpired\\s`, 'm'));
      const approve = await cli(db, 'approvals', 'approve', String(id), '--by', 'alice');
      expect(approve.code).toBe(2);
      expect(approve.stderr).toContain(`error[APPROVAL_INVALID]: the approval of action ${id} is expired`);
      expect(approve.stderr).toContain('an expired approval never executes');
      expect(readAction(store.db, id).state).toBe('approval-expired');
      expect(attemptsOf(store.db, id)).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('the re-check denies when the spend window filled while the request waited: exit 3, nothing sent', async () => {
    const db = freshDb();
    const store = openStore(db);
    try {
      const id = seed(store, large('12000'));
      // Five allowed 9,000 USDC payments journalled since: 45,000 of the 50,000 USDC daily window.
      for (let i = 0; i < 5; i++) expect(readAction(store.db, seed(store, large('9000'))).state).toBe('approved');
      const approve = await cli(db, 'approvals', 'approve', String(id), '--by', 'alice');
      expect(approve.code, approve.stdout + approve.stderr).toBe(3);
      expect(approve.stdout).toContain('DENIED on re-check');
      expect(approve.stdout).toMatch(/limit\.window/);
      expect(readAction(store.db, id).state).toBe('denied');
      expect(attemptsOf(store.db, id)).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('unknown and malformed ids are bad input (exit 2)', async () => {
    const db = freshDb();
    const unknown = await cli(db, 'approvals', 'approve', '424242');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('action 424242 has no approval request');
    const show = await cli(db, 'approvals', 'show', 'abc');
    expect(show.code).toBe(2);
    expect(show.stderr).toContain('"abc" is not an action id');
    const status = await cli(db, 'approvals', 'list', '--status', 'maybe');
    expect(status.code).toBe(2);
  });

  it('on the embedded cluster with no signer configured, approve uses the demo agent key and says so', async () => {
    const db = freshDb();
    const store = openStore(db);
    try {
      const id = seed(store, large('10001'));
      delete process.env['STEWARD_KEYPAIR'];
      const approve = await runCli([
        '--config',
        ROOT,
        '--db',
        db,
        '--url',
        'embedded',
        '--log-level',
        'silent',
        'approvals',
        'approve',
        String(id),
        '--by',
        'carol',
      ]);
      expect(approve.code, approve.stdout + approve.stderr).toBe(0);
      expect(approve.stdout).toContain(`Signer: ${DEMO.agent.toBase58()} (the demo agent key (embedded chain; $STEWARD_KEYPAIR is unset))`);
      expect(approve.stdout).toMatch(/Executed: confirmed/);
      expect(readAction(store.db, id).state).toBe('confirmed');
    } finally {
      store.close();
    }
  });
});

/** The one instruction of an unsigned v0 transaction, as a TransactionInstruction. */
function onlyInstruction(base64: string): { instruction: TransactionInstruction; feePayer: PublicKey } {
  const tx = VersionedTransaction.deserialize(Buffer.from(base64, 'base64'));
  const keys = tx.message.staticAccountKeys;
  const [compiled, ...rest] = tx.message.compiledInstructions;
  expect(rest).toEqual([]);
  if (!compiled) throw new Error('no instruction');
  const instruction = new TransactionInstruction({
    programId: keys[compiled.programIdIndex]!,
    keys: compiled.accountKeyIndexes.map((index) => ({
      pubkey: keys[index]!,
      isSigner: tx.message.isAccountSigner(index),
      isWritable: tx.message.isAccountWritable(index),
    })),
    data: Buffer.from(compiled.data),
  });
  expect(tx.signatures.every((signature) => signature.every((byte) => byte === 0))).toBe(true);
  return { instruction, feePayer: keys[0]! };
}

describe('steward grant', () => {
  it('prints an approve that decodes back to ApproveChecked, as a transaction and as a Realms instruction', async () => {
    const db = freshDb();
    const result = await cli(db, 'grant', '--token', 'USDC', '--amount', '1234.5', '--json');
    expect(result.code, result.stderr).toBe(0);
    const grant = JSON.parse(result.stdout) as {
      tokenAccount: string;
      realms: { programId: string; accounts: { pubkey: string; isSigner: boolean; isWritable: boolean }[]; data: string };
      unsignedTransaction: { base64: string; feePayer: string };
      executed: unknown;
    };
    expect(grant.executed).toBeNull();
    const { instruction, feePayer } = onlyInstruction(grant.unsignedTransaction.base64);
    expect(feePayer.equals(DEMO.nativeTreasury)).toBe(true);
    const decoded = decodeApproveCheckedInstruction(instruction, TOKEN_PROGRAM_ID);
    expect(decoded.keys.account.pubkey.equals(DEMO.treasuryTokenAccounts.USDC)).toBe(true);
    expect(decoded.keys.mint.pubkey.equals(DEMO.mints.USDC)).toBe(true);
    expect(decoded.keys.delegate.pubkey.equals(DEMO.agent)).toBe(true);
    expect(decoded.keys.owner.pubkey.equals(DEMO.nativeTreasury)).toBe(true);
    expect(decoded.keys.owner.isSigner).toBe(true);
    expect(decoded.data).toMatchObject({ amount: 1_234_500_000n, decimals: 6 });

    // The Realms form carries the very same instruction.
    const realms = new TransactionInstruction({
      programId: new PublicKey(grant.realms.programId),
      keys: grant.realms.accounts.map((a) => ({ pubkey: new PublicKey(a.pubkey), isSigner: a.isSigner, isWritable: a.isWritable })),
      data: Buffer.from(grant.realms.data, 'base64'),
    });
    expect(decodeApproveCheckedInstruction(realms, TOKEN_PROGRAM_ID).data).toEqual(decoded.data);
    // As ApproveChecked declares them (in the transaction the owner is also the writable fee payer).
    expect(grant.realms.accounts).toEqual([
      { pubkey: DEMO.treasuryTokenAccounts.USDC.toBase58(), isSigner: false, isWritable: true },
      { pubkey: DEMO.mints.USDC.toBase58(), isSigner: false, isWritable: false },
      { pubkey: DEMO.agent.toBase58(), isSigner: false, isWritable: false },
      { pubkey: DEMO.nativeTreasury.toBase58(), isSigner: true, isWritable: false },
    ]);

    // Nothing changed on chain without --execute.
    const allowance = JSON.parse((await cli(db, 'allowance', '--json')).stdout) as {
      allowances: { symbol: string; remainingText: string }[];
    };
    expect(allowance.allowances.find((a) => a.symbol === 'USDC')?.remainingText).not.toBe('1234.5');
  });

  it('--execute applies a Token-2022 grant on the embedded chain and says it was injected; --revoke removes it', async () => {
    const db = freshDb();
    const grant = await cli(db, 'grant', '--token', 'PYUSD', '--amount', '250.000001', '--execute');
    expect(grant.code, grant.stderr).toBe(0);
    expect(grant.stdout).toContain('state injection, not a signed approve');
    expect(grant.stdout).toContain('Now: 250.000001 PYUSD left to the agent.');
    const read = async () =>
      (
        JSON.parse((await cli(db, 'allowance', '--json')).stdout) as {
          allowances: { symbol: string; delegate: string | null; remaining: string }[];
        }
      ).allowances.find((a) => a.symbol === 'PYUSD');
    expect(await read()).toMatchObject({ delegate: DEMO.agent.toBase58(), remaining: '250000001' });

    const revoke = await cli(db, 'grant', '--token', 'PYUSD', '--revoke', '--execute', '--json');
    expect(revoke.code, revoke.stderr).toBe(0);
    const printed = JSON.parse(revoke.stdout) as { unsignedTransaction: { base64: string }; executed: { applied: boolean } };
    expect(printed.executed.applied).toBe(true);
    const { instruction } = onlyInstruction(printed.unsignedTransaction.base64);
    expect(decodeRevokeInstruction(instruction, instruction.programId).keys.owner.pubkey.equals(DEMO.nativeTreasury)).toBe(true);
    expect(await read()).toMatchObject({ delegate: null, remaining: '0' });
  });

  it('refuses bad input: rounding, unknown token, SOL, --revoke with --amount, --execute off the embedded chain', async () => {
    const db = freshDb();
    const rounding = await cli(db, 'grant', '--token', 'USDC', '--amount', '1.0000001');
    expect(rounding.code).toBe(2);
    expect(rounding.stderr).toContain('has 7 decimal places but the token has only 6; it will not be rounded');
    const unknown = await cli(db, 'grant', '--token', 'BONK', '--amount', '1');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--token "BONK" is not a token of policy "treasury"');
    const sol = await cli(db, 'grant', '--token', 'SOL', '--amount', '1');
    expect(sol.code).toBe(2);
    expect(sol.stderr).toContain("SOL payments come from the agent's own SOL float");
    const both = await cli(db, 'grant', '--token', 'USDC', '--amount', '1', '--revoke');
    expect(both.code).toBe(2);
    process.env['STEWARD_KEYPAIR'] = keypairPath;
    // A non-local cluster is refused before anything is sent to it.
    const remote = await runCli([
      '--config',
      ROOT,
      '--db',
      db,
      '--url',
      'http://10.255.255.1:8899',
      '--log-level',
      'silent',
      'grant',
      '--token',
      'USDC',
      '--amount',
      '1',
      '--execute',
    ]);
    expect(remote.code).toBe(2);
    expect(remote.stderr).toContain("--execute applies a grant only on Steward's embedded chain");
  });
});
