// MarginFi v2 lending positions: every MarginfiAccount whose authority is a treasury owner, its
// active balances valued through their banks' share values, with the banks' maintenance weights
// as the risk parameters. Decoded with MarginFi's published IDL (marginfi 0.1.8, shipped in
// @mrgnlabs/marginfi-client-v2 6.4.2 as dist/idl/marginfi_0.1.8.json, sha256 bb79521a…b932; the
// accounts and types it needs are kept in ./idl) through @coral-xyz/anchor's BorshAccountsCoder.
// The client package itself pulls Switchboard, Pyth receiver and wallet-adapter trees: not worth
// it for two account layouts. Reads: 1 getProgramAccounts per owner, 1 getMultipleAccounts for
// the banks.
import { readFileSync } from 'node:fs';
import anchor, { type Idl } from '@coral-xyz/anchor';
import { PublicKey } from '@solana/web3.js';
import { encodeAccount, i80f48Bytes, i80f48MulToUnits, i80f48Raw, i80f48RawToPpm, ppmToI80f48Raw, zeroOfDefined } from './idl-values.js';
import {
  readMultipleAccounts as multipleAccounts,
  readProgramAccounts as programAccounts,
  type AccountReader as PositionRpc,
} from '../../chain/account-reader.js';
import type { DefiPosition, LendingLeg, UnreadablePosition } from './types.js';
import { StewardError } from '../../errors/index.js';

export const MARGINFI_IDL = JSON.parse(readFileSync(new URL('./idl/marginfi-0.1.8.accounts.json', import.meta.url), 'utf8')) as Idl;
export const MARGINFI_PROGRAM_ID = new PublicKey(MARGINFI_IDL.address);
// anchor is CommonJS: take its classes from the default export, which Node's ESM loader always sees.
const coder = new anchor.BorshAccountsCoder(MARGINFI_IDL);

const ACCOUNT = 'MarginfiAccount';
const BANK = 'Bank';
const DISCRIMINATOR_SIZE = 8;
/** Account sizes this version of the layout decodes (discriminator + struct): anything else is another version. */
export const MARGINFI_ACCOUNT_SIZE = coder.size(ACCOUNT);
export const MARGINFI_BANK_SIZE = coder.size(BANK);

interface StructLayout {
  offsetOf(property: string): number | undefined;
}
function offsetOf(account: string, field: string): number {
  const layout = (coder as unknown as { accountLayouts: Map<string, { layout: StructLayout }> }).accountLayouts.get(account)?.layout;
  const offset = layout?.offsetOf(field);
  if (offset === undefined)
    throw new StewardError('INTERNAL', `MarginFi IDL: ${account}.${field} has no fixed offset`, { context: { account, field } });
  return DISCRIMINATOR_SIZE + offset;
}
/** Where the authority sits in a MarginfiAccount, from the IDL layout (the getProgramAccounts filter). */
export const MARGINFI_AUTHORITY_OFFSET = offsetOf(ACCOUNT, 'authority');

const ACCOUNT_FLAGS: ReadonlyArray<[bigint, string]> = [
  [1n, 'disabled'],
  [2n, 'in-flashloan'],
  [64n, 'frozen'],
];

type Wrapped = { value: number[] };
interface DecodedBalance {
  active: number;
  bank_pk: PublicKey;
  asset_shares: Wrapped;
  liability_shares: Wrapped;
}
interface DecodedAccount {
  group: PublicKey;
  authority: PublicKey;
  lending_account: { balances: DecodedBalance[] };
  account_flags: { toString(): string };
}
interface DecodedBank {
  mint: PublicKey;
  mint_decimals: number;
  group: PublicKey;
  asset_share_value: Wrapped;
  liability_share_value: Wrapped;
  config: {
    asset_weight_init: Wrapped;
    asset_weight_maint: Wrapped;
    liability_weight_init: Wrapped;
    liability_weight_maint: Wrapped;
    operational_state: Record<string, unknown>;
  };
}

function decode<T>(name: string, expectedSize: number, data: Buffer): { ok: true; value: T } | { ok: false; reason: string } {
  if (!coder.accountDiscriminator(name).equals(data.subarray(0, DISCRIMINATOR_SIZE)))
    return { ok: false, reason: `not a MarginFi ${name} (discriminator differs)` };
  if (data.length !== expectedSize) {
    return {
      ok: false,
      reason: `MarginFi ${name} of ${data.length} bytes, this reader decodes the ${expectedSize}-byte layout of marginfi 0.1.8 (a newer or older account version)`,
    };
  }
  try {
    return { ok: true, value: coder.decode<T>(name, data) };
  } catch (error) {
    return { ok: false, reason: `MarginFi ${name} does not decode: ${error instanceof Error ? error.message : String(error)}` };
  }
}

export async function readMarginfiPositions(rpc: PositionRpc, owners: readonly string[]): Promise<DefiPosition[]> {
  const discriminator = anchor.utils.bytes.bs58.encode(coder.accountDiscriminator(ACCOUNT));
  const found = await Promise.all(
    owners.map(async (owner) => ({
      owner,
      accounts: await programAccounts(
        rpc,
        MARGINFI_PROGRAM_ID,
        [{ memcmp: { offset: 0, bytes: discriminator } }, { memcmp: { offset: MARGINFI_AUTHORITY_OFFSET, bytes: owner } }],
        `MarginFi accounts of ${owner}`,
      ),
    })),
  );
  const positions: DefiPosition[] = [];
  const decoded: Array<{ owner: string; address: string; account: DecodedAccount }> = [];
  for (const { owner, accounts } of found) {
    for (const { pubkey, account } of accounts) {
      const result = decode<DecodedAccount>(ACCOUNT, MARGINFI_ACCOUNT_SIZE, account.data);
      if (!result.ok) positions.push(unreadable(pubkey.toBase58(), owner, result.reason));
      else decoded.push({ owner, address: pubkey.toBase58(), account: result.value });
    }
  }
  const bankKeys = decoded.flatMap(({ account }) => account.lending_account.balances.filter((b) => b.active !== 0).map((b) => b.bank_pk));
  const banks = bankKeys.length > 0 ? await multipleAccounts(rpc, bankKeys, 'MarginFi banks') : new Map();
  for (const { owner, address, account } of decoded) positions.push(toPosition(owner, address, account, banks));
  return positions;
}

function unreadable(account: string, owner: string | null, reason: string): UnreadablePosition {
  return { kind: 'unreadable', protocol: 'marginfi', account, owner, reason };
}

function toPosition(
  owner: string,
  address: string,
  account: DecodedAccount,
  banks: Map<string, { owner: PublicKey; data: Buffer } | null>,
): DefiPosition {
  const legs: LendingLeg[] = [];
  for (const balance of account.lending_account.balances) {
    if (balance.active === 0) continue;
    const bankAddress = balance.bank_pk.toBase58();
    const info = banks.get(bankAddress);
    if (!info) return unreadable(address, owner, `its bank ${bankAddress} does not exist`);
    if (!info.owner.equals(MARGINFI_PROGRAM_ID))
      return unreadable(address, owner, `its bank ${bankAddress} is not owned by the MarginFi program`);
    const bank = decode<DecodedBank>(BANK, MARGINFI_BANK_SIZE, info.data);
    if (!bank.ok) return unreadable(address, owner, `its bank ${bankAddress}: ${bank.reason}`);
    if (!bank.value.group.equals(account.group))
      return unreadable(address, owner, `its bank ${bankAddress} belongs to another MarginFi group`);
    const { config } = bank.value;
    const common = { mint: bank.value.mint.toBase58(), decimals: bank.value.mint_decimals, market: bankAddress };
    const supplied = i80f48MulToUnits(i80f48Raw(balance.asset_shares.value), i80f48Raw(bank.value.asset_share_value.value));
    const borrowed = i80f48MulToUnits(i80f48Raw(balance.liability_shares.value), i80f48Raw(bank.value.liability_share_value.value));
    if (supplied < 0n || borrowed < 0n) return unreadable(address, owner, `negative shares in bank ${bankAddress}`);
    if (supplied > 0n) {
      legs.push({
        ...common,
        side: 'supply',
        amount: supplied,
        maintWeightPpm: i80f48RawToPpm(i80f48Raw(config.asset_weight_maint.value)),
        initWeightPpm: i80f48RawToPpm(i80f48Raw(config.asset_weight_init.value)),
      });
    }
    if (borrowed > 0n) {
      legs.push({
        ...common,
        side: 'borrow',
        amount: borrowed,
        maintWeightPpm: i80f48RawToPpm(i80f48Raw(config.liability_weight_maint.value)),
        initWeightPpm: i80f48RawToPpm(i80f48Raw(config.liability_weight_init.value)),
      });
    }
  }
  const flags = BigInt(account.account_flags.toString());
  const notes = ACCOUNT_FLAGS.filter(([bit]) => (flags & bit) !== 0n).map(([, name]) => name);
  return { kind: 'lending', protocol: 'marginfi', account: address, owner, legs, notes };
}

// Encoders: the demo seed and tests write MarginFi accounts with the same published layout.

export interface MarginfiBankFields {
  group: PublicKey;
  mint: PublicKey;
  decimals: number;
  /** Token units per share, ppm (1 000 000 = 1.0; grows with interest). */
  assetShareValuePpm: bigint;
  liabilityShareValuePpm: bigint;
  assetWeightInitPpm: bigint;
  assetWeightMaintPpm: bigint;
  liabilityWeightInitPpm: bigint;
  liabilityWeightMaintPpm: bigint;
}

const wrap = (raw: bigint): Wrapped => ({ value: i80f48Bytes(raw) });

export function encodeMarginfiBank(fields: MarginfiBankFields): Buffer {
  const bank = zeroOfDefined(MARGINFI_IDL, BANK);
  const config = bank.config as Record<string, unknown>;
  Object.assign(bank, {
    mint: fields.mint,
    mint_decimals: fields.decimals,
    group: fields.group,
    asset_share_value: wrap(ppmToI80f48Raw(fields.assetShareValuePpm)),
    liability_share_value: wrap(ppmToI80f48Raw(fields.liabilityShareValuePpm)),
  });
  Object.assign(config, {
    asset_weight_init: wrap(ppmToI80f48Raw(fields.assetWeightInitPpm)),
    asset_weight_maint: wrap(ppmToI80f48Raw(fields.assetWeightMaintPpm)),
    liability_weight_init: wrap(ppmToI80f48Raw(fields.liabilityWeightInitPpm)),
    liability_weight_maint: wrap(ppmToI80f48Raw(fields.liabilityWeightMaintPpm)),
    operational_state: { Operational: {} },
  });
  return encodeAccount(coder, BANK, bank);
}

export interface MarginfiBalanceFields {
  bank: PublicKey;
  /** Shares as I80F48 raw values (shares × 2^48); see `sharesFor`. */
  assetSharesRaw: bigint;
  liabilitySharesRaw: bigint;
}

/** The I80F48 raw share count that is worth `amount` base units at `shareValuePpm`. */
export function sharesFor(amount: bigint, shareValuePpm: bigint): bigint {
  const valueRaw = ppmToI80f48Raw(shareValuePpm);
  // Round up so shares × value never falls a unit short of `amount` through truncation.
  return ((amount << 96n) + valueRaw - 1n) / valueRaw;
}

export function encodeMarginfiAccount(fields: { group: PublicKey; authority: PublicKey; balances: MarginfiBalanceFields[] }): Buffer {
  if (fields.balances.length > 16)
    throw new StewardError('ARGUMENT_INVALID', `a MarginfiAccount holds at most 16 balances, not ${fields.balances.length}`, {
      context: { balances: fields.balances.length },
    });
  const account = zeroOfDefined(MARGINFI_IDL, ACCOUNT);
  account.group = fields.group;
  account.authority = fields.authority;
  const lending = account.lending_account as { balances: Array<Record<string, unknown>> };
  // The program keeps balances sorted by bank, descending.
  const sorted = [...fields.balances].sort((a, b) => Buffer.compare(b.bank.toBuffer(), a.bank.toBuffer()));
  sorted.forEach((balance, index) => {
    Object.assign(lending.balances[index]!, {
      active: 1,
      bank_pk: balance.bank,
      asset_shares: wrap(balance.assetSharesRaw),
      liability_shares: wrap(balance.liabilitySharesRaw),
    });
  });
  return encodeAccount(coder, ACCOUNT, account);
}
