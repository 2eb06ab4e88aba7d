// The byte-level readers behind an observation: stake accounts, Pyth prices and their trust
// rules, and the Token-2022 extensions that put treasury funds at risk.
import { MintLayout, TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID, unpackMint } from '@solana/spl-token';
import { Keypair, PublicKey, type AccountInfo } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import { PYTH_PROGRAM_ID } from '../../src/demo/addresses.js';
import { encodePythPriceAccount, PythStatus } from '../../src/demo/seed/pyth-price-account.js';
import { encodeMint } from '../../src/demo/seed/token-layouts.js';
import type { Address } from '../../src/shared/index.js';
import { mintRisks, parseStakeAccount, readPythPrice } from '../../src/treasury/index.js';
import { formatPrice } from '../../src/shared/index.js';

const key = (n: number) => new PublicKey(Buffer.alloc(32, n));
const U64_MAX = (1n << 64n) - 1n;

function stakeBytes(kind: number, activation: bigint, deactivation: bigint): Buffer {
  const data = Buffer.alloc(200);
  data.writeUInt32LE(kind, 0);
  data.writeBigUInt64LE(2_282_880n, 4);
  key(1).toBuffer().copy(data, 12);
  key(2).toBuffer().copy(data, 44);
  key(3).toBuffer().copy(data, 124);
  data.writeBigUInt64LE(7n * 10n ** 9n, 156);
  data.writeBigUInt64LE(activation, 164);
  data.writeBigUInt64LE(deactivation, 172);
  return data;
}

describe('parseStakeAccount', () => {
  it('reads authorities, validator, stake and the activation state for the epoch', () => {
    const parsed = parseStakeAccount(stakeBytes(2, 5n, U64_MAX), 5n);
    expect(parsed).toMatchObject({
      staker: key(1).toBase58(),
      withdrawer: key(2).toBase58(),
      voter: key(3).toBase58(),
      delegatedStake: 7_000_000_000n,
      activationEpoch: 5n,
      deactivationEpoch: null,
      activation: 'activating',
    });
    const state = (activation: bigint, deactivation: bigint, epoch: bigint | null) =>
      (parseStakeAccount(stakeBytes(2, activation, deactivation), epoch) as { activation: string }).activation;
    expect(state(5n, U64_MAX, 6n)).toBe('active');
    expect(state(5n, 7n, 7n)).toBe('deactivating');
    expect(state(5n, 7n, 8n)).toBe('inactive');
    expect(state(U64_MAX, U64_MAX, 0n)).toBe('active');
    expect(state(5n, U64_MAX, null)).toBe('unknown');
    expect(parseStakeAccount(stakeBytes(1, 0n, 0n), 3n)).toMatchObject({ state: 'initialized', voter: null, activation: 'inactive' });
  });

  it('says why bytes are not a stake account', () => {
    expect(parseStakeAccount(Buffer.alloc(10), 1n)).toBe('stake account data is 10 bytes, expected 200');
    expect(parseStakeAccount(stakeBytes(0, 0n, 0n), 1n)).toBe('stake account is in state 0 (neither Initialized nor Stake)');
  });
});

describe('readPythPrice', () => {
  const account = key(9).toBase58() as Address;
  const limits = { maxStalenessSeconds: 60, maxConfidenceBps: 100 };
  const now = 1_000_000n;
  const info = (fields: Partial<Parameters<typeof encodePythPriceAccount>[0]> = {}, owner = PYTH_PROGRAM_ID): AccountInfo<Buffer> => ({
    data: Buffer.from(
      encodePythPriceAccount({
        exponent: -8,
        price: 99_150_000n,
        confidence: 40_000n,
        status: PythStatus.Trading,
        publishSlot: 77n,
        timestamp: now - 5n,
        productAccount: key(8),
        publishers: [key(7)],
        ...fields,
      }),
    ),
    owner,
    lamports: 1,
    executable: false,
  });

  it('trusts a fresh, Trading, tight price from the Pyth program and keeps it exact', () => {
    expect(readPythPrice('USDT', account, info(), now, limits)).toEqual({
      symbol: 'USDT',
      account,
      component: 99_150_000n,
      confidenceComponent: 40_000n,
      exponent: -8,
      status: 'Trading',
      publishSlot: 77n,
      publishTime: now - 5n,
      ageSeconds: 5,
      trusted: true,
      reasons: [],
    });
  });

  it('keeps but distrusts stale, halted, wide, non-positive, future and foreign prices, saying why', () => {
    const reasons = (fields: Partial<Parameters<typeof encodePythPriceAccount>[0]>, owner?: PublicKey) =>
      readPythPrice('X', account, info(fields, owner), now, limits).reasons;
    expect(reasons({ timestamp: now - 61n })).toEqual(['stale: published 61s ago, limit 60s']);
    expect(reasons({ status: PythStatus.Halted })).toEqual(['status is Halted, not Trading']);
    // 1% of 0.9915 is 0.009915: a confidence of 0.00991501 is just past it.
    expect(reasons({ confidence: 991_501n })).toEqual(['confidence ±991501e-8 is wider than 100 bps of the price']);
    expect(reasons({ confidence: 991_500n })).toEqual([]);
    expect(reasons({ price: 0n, confidence: 0n })).toEqual(['price is not positive (0)']);
    expect(reasons({ timestamp: now + 3_600n })).toEqual(['published 3600s in the future']);
    const stranger = Keypair.generate().publicKey;
    expect(reasons({}, stranger)).toEqual([`owned by ${stranger.toBase58()}, not the Pyth oracle program`]);
  });

  it('refuses hostile exponents and distrusts absurd magnitudes, naming the account, without failing', () => {
    for (const exponent of [2_147_483_647, -2_147_483_648, 1, -19]) {
      expect(readPythPrice('X', account, info({ exponent }), now, limits)).toMatchObject({
        component: null,
        trusted: false,
        reasons: [`price account ${account} has exponent ${exponent}, outside -18..0; the price is not used`],
      });
    }
    // 2^63 − 1 at exponent 0: about 9.2e18 USD a unit.
    const absurd = readPythPrice('X', account, info({ exponent: 0, price: (1n << 63n) - 1n, confidence: 0n }), now, limits);
    expect(absurd.trusted).toBe(false);
    expect(absurd.reasons).toEqual([`price ${(1n << 63n) - 1n}e0 of account ${account} is above the sane bound of 1000000000000 USD`]);
    expect(readPythPrice('X', account, info({ exponent: -6, price: 10n ** 18n, confidence: 0n }), now, limits).trusted).toBe(true);
    // Formatting never expands a hostile exponent.
    expect(formatPrice({ mantissa: 5n, exponent: 2_147_483_647 })).toBe('5e2147483647');
    expect(formatPrice({ mantissa: 5n, exponent: -2_147_483_648 })).toBe('5e-2147483648');
    expect(formatPrice({ mantissa: 99_150_000n, exponent: -8 })).toBe('0.9915');
  });

  it('reports a missing or non-Pyth account without a price', () => {
    expect(readPythPrice('X', account, null, now, limits)).toMatchObject({
      component: null,
      trusted: false,
      reasons: [`price account ${account} does not exist`],
    });
    const garbage: AccountInfo<Buffer> = { data: Buffer.alloc(3312, 1), owner: PYTH_PROGRAM_ID, lamports: 1, executable: false };
    expect(readPythPrice('X', account, garbage, now, limits)).toMatchObject({
      component: null,
      status: 'Unreadable',
      reasons: [`account ${account} is not a Pyth price account`],
    });
  });
});

describe('mintRisks', () => {
  const asInfo = (data: Uint8Array, owner: PublicKey): AccountInfo<Buffer> => ({
    data: Buffer.from(data),
    owner,
    lamports: 1,
    executable: false,
  });

  it('finds nothing on a classic SPL mint', () => {
    const data = Buffer.alloc(MintLayout.span);
    MintLayout.encode(
      {
        mintAuthorityOption: 0,
        mintAuthority: PublicKey.default,
        supply: 1n,
        decimals: 6,
        isInitialized: true,
        freezeAuthorityOption: 0,
        freezeAuthority: PublicKey.default,
      },
      data,
    );
    expect(mintRisks(unpackMint(key(1), asInfo(data, TOKEN_PROGRAM_ID), TOKEN_PROGRAM_ID))).toEqual([]);
  });

  it('names the permanent delegate and the transfer fee with their authorities', () => {
    const data = encodeMint({
      mintAuthority: key(1),
      freezeAuthority: null,
      supply: 10n,
      decimals: 6,
      extensions: {
        transferFee: { feeAuthority: key(4), withdrawWithheldAuthority: key(4), basisPoints: 25, maximumFee: 5_000_000n, epoch: 0n },
        permanentDelegate: key(5),
      },
    });
    const risks = mintRisks(unpackMint(key(2), asInfo(data, TOKEN_2022_PROGRAM_ID), TOKEN_2022_PROGRAM_ID));
    expect(risks.map((risk) => [risk.kind, risk.authority])).toEqual([
      ['transfer-fee', key(4).toBase58()],
      ['permanent-delegate', key(5).toBase58()],
    ]);
    expect(risks[0]?.detail).toBe('every transfer pays a fee of 25 bps (at most 5 tokens), which its authority can raise');
  });

  it('flags transfer hooks, default-frozen and non-transferable mints from raw TLV', () => {
    // Base mint (82 bytes) padded to 165, account type 1 (mint), then type/length/value entries.
    const base = Buffer.alloc(166);
    MintLayout.encode(
      {
        mintAuthorityOption: 0,
        mintAuthority: PublicKey.default,
        supply: 0n,
        decimals: 0,
        isInitialized: true,
        freezeAuthorityOption: 1,
        freezeAuthority: key(6),
      },
      base,
    );
    base[165] = 1;
    const tlv = (type: number, value: Buffer) =>
      Buffer.concat([Buffer.from([type & 0xff, type >> 8, value.length & 0xff, value.length >> 8]), value]);
    const data = Buffer.concat([
      base,
      tlv(14, Buffer.concat([key(7).toBuffer(), key(8).toBuffer()])),
      tlv(6, Buffer.from([2])),
      tlv(9, Buffer.alloc(0)),
    ]);
    const risks = mintRisks(unpackMint(key(3), asInfo(data, TOKEN_2022_PROGRAM_ID), TOKEN_2022_PROGRAM_ID));
    expect(risks.map((risk) => [risk.kind, risk.authority])).toEqual([
      ['transfer-hook', key(8).toBase58()],
      ['default-frozen', key(6).toBase58()],
      ['non-transferable', null],
    ]);
  });
});
