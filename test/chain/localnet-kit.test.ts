// Issue #19: `steward localnet` in its own process, driven by @solana/kit 8 and
// @solana-program/system (clients nobody here wrote): accounts in base64 and jsonParsed for every
// kind the validator parses (nonce, lookup table, stake, sysvars), a system transfer built with
// kit's transaction-message API and confirmed by sendAndConfirmTransactionFactory (subscribe,
// send, then iterate), signature statuses, getTransaction, and error codes as a validator's.
// kit turns u64 fields into bigint and rejects numbers it cannot hold exactly (rentEpoch).
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import {
  SOLANA_ERROR__JSON_RPC__INVALID_PARAMS,
  SOLANA_ERROR__JSON_RPC__METHOD_NOT_FOUND,
  SOLANA_ERROR__JSON_RPC__SERVER_ERROR_SEND_TRANSACTION_PREFLIGHT_FAILURE,
  address,
  appendTransactionMessageInstructions,
  assertIsTransactionWithBlockhashLifetime,
  createSolanaRpc,
  createSolanaRpcSubscriptions,
  createTransactionMessage,
  generateKeyPairSigner,
  getAddressEncoder,
  getProgramDerivedAddress,
  getSignatureFromTransaction,
  isSolanaError,
  lamports,
  pipe,
  sendAndConfirmTransactionFactory,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
  type Address,
  type Instruction,
  type KeyPairSigner,
  type Rpc,
  type RpcSubscriptions,
  type SolanaRpcApi,
  type SolanaRpcSubscriptionsApi,
} from '@solana/kit';
import { getCreateAccountInstruction, getInitializeNonceAccountInstruction, getTransferSolInstruction } from '@solana-program/system';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const STAKE_PROGRAM = address('Stake11111111111111111111111111111111111111');
const LOOKUP_TABLE_PROGRAM = address('AddressLookupTab1e1111111111111111111111111');
const SYSTEM_PROGRAM = address('11111111111111111111111111111111');
const RENT_SYSVAR = address('SysvarRent111111111111111111111111111111111');
const U64_MAX = 18446744073709551615n;

let child: ChildProcess;
let httpUrl = '';
let rpc: Rpc<SolanaRpcApi>;
let subscriptions: RpcSubscriptions<SolanaRpcSubscriptionsApi>;
let payer: KeyPairSigner;
let sendAndConfirm: ReturnType<typeof sendAndConfirmTransactionFactory>;

beforeAll(async () => {
  child = spawn(process.execPath, [resolve(ROOT, 'bin/steward.js'), 'localnet', '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, STEWARD_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const urls = await new Promise<{ http: string; ws: string }>((done, fail) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const http = /JSON-RPC URL: (\S+)/.exec(output)?.[1];
      const ws = /WebSocket URL: (\S+)/.exec(output)?.[1];
      if (http && ws) done({ http, ws });
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('exit', (code) => fail(new Error(`steward localnet exited with ${code}:\n${output}`)));
  });
  httpUrl = urls.http;
  rpc = createSolanaRpc(urls.http);
  subscriptions = createSolanaRpcSubscriptions(urls.ws);
  sendAndConfirm = sendAndConfirmTransactionFactory({ rpc, rpcSubscriptions: subscriptions });
  payer = await generateKeyPairSigner();
  const airdrop = await rpc.requestAirdrop(payer.address, lamports(10_000_000_000n), { commitment: 'confirmed' }).send();
  const [status] = (await rpc.getSignatureStatuses([airdrop]).send()).value;
  expect(status?.confirmationStatus).toBe('finalized');
}, 60_000);

afterAll(async () => {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGINT');
  await exited;
});

/** Builds, signs (every signer rides in the instructions' account metas) and confirms a v0 transaction. */
async function send(instructions: Instruction[]): Promise<string> {
  const { value: blockhash } = await rpc.getLatestBlockhash().send();
  const message = pipe(
    createTransactionMessage({ version: 0 }),
    (m) => setTransactionMessageFeePayerSigner(payer, m),
    (m) => setTransactionMessageLifetimeUsingBlockhash(blockhash, m),
    (m) => appendTransactionMessageInstructions(instructions, m),
  );
  const signed = await signTransactionMessageWithSigners(message);
  assertIsTransactionWithBlockhashLifetime(signed);
  await sendAndConfirm(signed, { commitment: 'confirmed' });
  return getSignatureFromTransaction(signed);
}

async function parsed(account: Address): Promise<{ program: string; parsed: { type: string; info: unknown }; space: bigint }> {
  const { value } = await rpc.getAccountInfo(account, { encoding: 'jsonParsed' }).send();
  expect(value).not.toBeNull();
  // kit's types leave rentEpoch out, but its parser reads it (as a bigint: exactly u64::MAX).
  expect((value as unknown as { rentEpoch: bigint }).rentEpoch).toBe(U64_MAX);
  expect(Array.isArray(value!.data), `${account} came back unparsed`).toBe(false);
  return value!.data as never;
}

describe('steward localnet with @solana/kit', () => {
  it('sends a system transfer built with kit and confirms it by subscription; statuses, transaction and balances agree', async () => {
    const recipient = await generateKeyPairSigner();
    const before = (await rpc.getBalance(payer.address).send()).value;
    const signature = await send([
      getTransferSolInstruction({ source: payer, destination: recipient.address, amount: lamports(1_234_567n) }),
    ]);
    expect((await rpc.getBalance(recipient.address).send()).value).toBe(1_234_567n);
    const { value: statuses } = await rpc.getSignatureStatuses([signature as never], { searchTransactionHistory: true }).send();
    expect(statuses[0]).toMatchObject({ err: null, confirmationStatus: 'finalized', confirmations: null });
    const tx = await rpc.getTransaction(signature as never, { encoding: 'jsonParsed', maxSupportedTransactionVersion: 0 }).send();
    expect(tx?.meta?.err).toBeNull();
    expect(tx?.meta?.fee).toBe(5000n);
    expect(before - tx!.meta!.fee - 1_234_567n).toBe((await rpc.getBalance(payer.address).send()).value);
    const ix = tx!.transaction.message.instructions[0] as { program: string; parsed: { type: string; info: Record<string, unknown> } };
    expect(ix.program).toBe('system');
    expect(ix.parsed).toEqual({ type: 'transfer', info: { source: payer.address, destination: recipient.address, lamports: 1_234_567n } });
    const base64 = await rpc.getTransaction(signature as never, { encoding: 'base64', maxSupportedTransactionVersion: 0 }).send();
    expect(base64?.version).toBe(0);
    expect(base64?.transaction[1]).toBe('base64');
  });

  it('reads a system account in base64 and jsonParsed (unparseable: base64) with rentEpoch u64::MAX', async () => {
    const { value: b64 } = await rpc.getAccountInfo(payer.address, { encoding: 'base64' }).send();
    expect(b64).toMatchObject({ data: ['', 'base64'], executable: false, owner: SYSTEM_PROGRAM, rentEpoch: U64_MAX, space: 0n });
    const { value: json } = await rpc.getAccountInfo(payer.address, { encoding: 'jsonParsed' }).send();
    expect(json?.data).toEqual(['', 'base64']);
  });

  it('parses a durable-nonce account created with @solana-program/system', async () => {
    const nonce = await generateKeyPairSigner();
    const rent = await rpc.getMinimumBalanceForRentExemption(80n).send();
    await send([
      getCreateAccountInstruction({ payer, newAccount: nonce, lamports: rent, space: 80, programAddress: SYSTEM_PROGRAM }),
      getInitializeNonceAccountInstruction({ nonceAccount: nonce.address, nonceAuthority: payer.address }),
    ]);
    const data = await parsed(nonce.address);
    expect(data.program).toBe('nonce');
    expect(data.space).toBe(80n);
    expect(data.parsed.type).toBe('initialized');
    expect(data.parsed.info).toMatchObject({ authority: payer.address, feeCalculator: { lamportsPerSignature: '5000' } });
    expect((data.parsed.info as { blockhash: string }).blockhash).toMatch(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/);
  });

  it('parses an address lookup table created at a recent slot', async () => {
    const slot = await rpc.getSlot().send();
    const slotBytes = new Uint8Array(8);
    new DataView(slotBytes.buffer).setBigUint64(0, slot, true);
    const [table, bump] = await getProgramDerivedAddress({
      programAddress: LOOKUP_TABLE_PROGRAM,
      seeds: [getAddressEncoder().encode(payer.address), slotBytes],
    });
    const create = new Uint8Array(4 + 8 + 1);
    create.set(slotBytes, 4);
    create[12] = bump;
    const extend = new Uint8Array(4 + 8 + 32);
    const view = new DataView(extend.buffer);
    view.setUint32(0, 2, true);
    view.setBigUint64(4, 1n, true);
    extend.set(getAddressEncoder().encode(RENT_SYSVAR), 12);
    const accounts = [
      { address: table, role: 1 },
      { address: payer.address, role: 2, signer: payer },
      { address: payer.address, role: 3, signer: payer },
      { address: SYSTEM_PROGRAM, role: 0 },
    ];
    await send([
      { programAddress: LOOKUP_TABLE_PROGRAM, accounts, data: create } as Instruction,
      { programAddress: LOOKUP_TABLE_PROGRAM, accounts, data: extend } as Instruction,
    ]);
    const data = await parsed(table);
    expect(data.program).toBe('address-lookup-table');
    expect(data.parsed).toEqual({
      type: 'lookupTable',
      info: {
        deactivationSlot: U64_MAX.toString(),
        lastExtendedSlot: expect.any(String),
        lastExtendedSlotStartIndex: 0,
        authority: payer.address,
        addresses: [RENT_SYSVAR],
      },
    });
  });

  it('parses a stake account initialized by the stake program, and a delegated one', async () => {
    const stake = await generateKeyPairSigner();
    const withdrawer = (await generateKeyPairSigner()).address;
    const rent = await rpc.getMinimumBalanceForRentExemption(200n).send();
    const initialize = new Uint8Array(4 + 64 + 48);
    initialize.set(getAddressEncoder().encode(payer.address), 4);
    initialize.set(getAddressEncoder().encode(withdrawer), 36);
    new DataView(initialize.buffer).setBigInt64(68, 1_700_000_000n, true);
    new DataView(initialize.buffer).setBigUint64(76, 7n, true);
    await send([
      getCreateAccountInstruction({ payer, newAccount: stake, lamports: rent, space: 200, programAddress: STAKE_PROGRAM }),
      {
        programAddress: STAKE_PROGRAM,
        accounts: [
          { address: stake.address, role: 1 },
          { address: RENT_SYSVAR, role: 0 },
        ],
        data: initialize,
      } as Instruction,
    ]);
    const meta = {
      rentExemptReserve: rent.toString(),
      authorized: { staker: payer.address, withdrawer },
      lockup: { unixTimestamp: 1_700_000_000n, epoch: 7n, custodian: SYSTEM_PROGRAM },
    };
    const initialized = await parsed(stake.address);
    expect(initialized).toEqual({ program: 'stake', parsed: { type: 'initialized', info: { meta, stake: null } }, space: 200n });

    // Delegation needs a vote account; a delegated state is planted with the test chain's cheat
    // code, its bytes laid out here by hand (StakeStateV2::Stake).
    const { value: account } = await rpc.getAccountInfo(stake.address, { encoding: 'base64' }).send();
    const bytes = Buffer.from(account!.data[0], 'base64');
    const voter = (await generateKeyPairSigner()).address;
    bytes.writeUInt32LE(2, 0);
    bytes.set(getAddressEncoder().encode(voter), 124);
    bytes.writeBigUInt64LE(5_000_000_000n, 156);
    bytes.writeBigUInt64LE(3n, 164);
    bytes.writeBigUInt64LE(U64_MAX, 172);
    bytes.writeDoubleLE(0.25, 180);
    bytes.writeBigUInt64LE(42n, 188);
    const delegated = await generateKeyPairSigner();
    const set = await fetch(httpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'steward_setAccount',
        params: [
          delegated.address,
          { lamports: Number(rent), data: [bytes.toString('base64'), 'base64'], owner: STAKE_PROGRAM, executable: false },
        ],
      }),
    });
    expect(((await set.json()) as { error?: unknown }).error).toBeUndefined();
    const data = await parsed(delegated.address);
    expect(data).toEqual({
      program: 'stake',
      parsed: {
        type: 'delegated',
        info: {
          meta,
          stake: {
            delegation: {
              voter,
              stake: '5000000000',
              activationEpoch: '3',
              deactivationEpoch: U64_MAX.toString(),
              warmupCooldownRate: 0.25,
            },
            creditsObserved: 42n,
          },
        },
      },
      space: 200n,
    });
  });

  it('parses the sysvars the chain holds, in step with the chain', async () => {
    const clock = await parsed(address('SysvarC1ock11111111111111111111111111111111'));
    expect(clock.program).toBe('sysvar');
    expect(clock.parsed.type).toBe('clock');
    const slot = await rpc.getSlot().send();
    const info = clock.parsed.info as {
      slot: bigint;
      epoch: bigint;
      unixTimestamp: bigint;
      epochStartTimestamp: bigint;
      leaderScheduleEpoch: bigint;
    };
    expect(info.slot).toBeLessThanOrEqual(slot);
    expect(info.slot).toBeGreaterThanOrEqual(slot - 2n);
    expect(Math.abs(Number(info.unixTimestamp) - Date.now() / 1000)).toBeLessThan(120);
    expect(Object.keys(info).sort()).toEqual(['epoch', 'epochStartTimestamp', 'leaderScheduleEpoch', 'slot', 'unixTimestamp']);

    const rent = await parsed(address('SysvarRent111111111111111111111111111111111'));
    expect(rent.parsed.type).toBe('rent');
    const rentInfo = rent.parsed.info as { lamportsPerByteYear: string; exemptionThreshold: number; burnPercent: number };
    expect(Object.keys(rentInfo).sort()).toEqual(['burnPercent', 'exemptionThreshold', 'lamportsPerByteYear']);
    // The rent-exempt minimum is (128 + space) bytes × lamports per byte-year × threshold years.
    const minimum = await rpc.getMinimumBalanceForRentExemption(100n).send();
    expect(Number(minimum)).toBe(Math.floor(228 * Number(rentInfo.lamportsPerByteYear) * rentInfo.exemptionThreshold));
    expect(rentInfo.burnPercent).toBe(50);

    const schedule = await parsed(address('SysvarEpochSchedu1e111111111111111111111111'));
    const fromRpc = await rpc.getEpochSchedule().send();
    expect(schedule.parsed).toEqual({ type: 'epochSchedule', info: fromRpc });

    const hashes = await parsed(address('SysvarS1otHashes111111111111111111111111111'));
    expect(hashes.parsed.type).toBe('slotHashes');
    const entries = hashes.parsed.info as { slot: bigint; hash: string }[];
    expect(entries.length).toBeGreaterThan(0);
    expect(entries[0]!.slot).toBeGreaterThanOrEqual(info.slot);
    expect(entries.every((e, i) => i === 0 || e.slot === entries[i - 1]!.slot - 1n)).toBe(true);

    const history = await parsed(address('SysvarStakeHistory1111111111111111111111111'));
    expect(history.parsed.type).toBe('stakeHistory');
    expect(Array.isArray(history.parsed.info)).toBe(true);
  });

  it('answers errors with a validator’s codes, which kit maps to its own errors', async () => {
    const unknown = await rpc
      .getBlockProduction()
      .send()
      .catch((e: unknown) => e);
    expect(isSolanaError(unknown, SOLANA_ERROR__JSON_RPC__METHOD_NOT_FOUND)).toBe(true);
    const bad = await rpc
      .getAccountInfo('not-an-address' as Address)
      .send()
      .catch((e: unknown) => e);
    expect(isSolanaError(bad, SOLANA_ERROR__JSON_RPC__INVALID_PARAMS)).toBe(true);
    const broke = await generateKeyPairSigner();
    const { value: blockhash } = await rpc.getLatestBlockhash().send();
    const message = pipe(
      createTransactionMessage({ version: 0 }),
      (m) => setTransactionMessageFeePayerSigner(broke, m),
      (m) => setTransactionMessageLifetimeUsingBlockhash(blockhash, m),
      (m) =>
        appendTransactionMessageInstructions(
          [getTransferSolInstruction({ source: broke, destination: payer.address, amount: lamports(1n) })],
          m,
        ),
    );
    const signed = await signTransactionMessageWithSigners(message);
    assertIsTransactionWithBlockhashLifetime(signed);
    const refused = await sendAndConfirm(signed, { commitment: 'confirmed' }).catch((e: unknown) => e);
    expect(isSolanaError(refused, SOLANA_ERROR__JSON_RPC__SERVER_ERROR_SEND_TRANSACTION_PREFLIGHT_FAILURE)).toBe(true);
  });
});
