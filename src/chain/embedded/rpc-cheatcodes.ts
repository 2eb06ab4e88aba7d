// Test-chain "cheat codes": JSON-RPC methods that change the embedded chain's state from
// outside, for operators and tests that reach the chain only over RPC (it runs in a child
// process). Named `steward_*` as surfpool names its `surfnet_*` cheat codes: they exist on
// Steward's embedded chain only; a real cluster answers them with "Method not found".
//   steward_setAccount   [pubkey, {lamports, data: [B64, "base64"], owner, executable}]
//                        or [{pubkey, account: {...}}] (a `solana account --output json` file)
//   steward_advanceSlots [slots]  moves the slot and the clock ahead; old blockhashes expire
//   steward_simulateTransaction [tx, config, [{pubkey, account}]]  simulateTransaction with
//                        those accounts replaced for this simulation only (state unchanged after)
import { PublicKey } from '@solana/web3.js';
import type { EmbeddedChain } from './embedded-chain.js';
import { SLOTS_PER_EPOCH } from './embedded-chain.js';
import { configParam, invalidParam, pubkeyValue, requireCount, type Params } from './rpc-params.js';

/** A single call may jump at most 100 epochs (~200 days of slots). */
const MAX_ADVANCE_SLOTS = Number(SLOTS_PER_EPOCH) * 100;
/** Solana's MAX_PERMITTED_DATA_LENGTH. */
const MAX_ACCOUNT_DATA = 10 * 1024 * 1024;

function lamportsValue(value: unknown, where: string): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  // u64 amounts above 2^53 do not survive a JSON number: accept them as decimal strings.
  if (typeof value === 'string' && /^\d{1,20}$/.test(value) && BigInt(value) <= 0xffff_ffff_ffff_ffffn) return BigInt(value);
  throw invalidParam(`${where} must be a non-negative integer (u64; a decimal string above 2^53)`);
}

function dataValue(value: unknown, where: string): Uint8Array {
  if (value === undefined || value === null) return new Uint8Array(0);
  if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'string' || value[1] !== 'base64') {
    throw invalidParam(`${where} must be ["<base64>", "base64"]`);
  }
  const text = value[0];
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) throw invalidParam(`${where}[0] is not valid base64`);
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length > MAX_ACCOUNT_DATA)
    throw invalidParam(`${where} is ${bytes.length} bytes; an account holds at most ${MAX_ACCOUNT_DATA}`);
  return bytes;
}

/** Reads `[pubkey, account]` or `[{pubkey, account}]`. */
function setAccountParams(params: Params): { pubkey: Uint8Array; account: Record<string, unknown>; where: string } {
  requireCount(params, 1);
  if (typeof params[0] === 'string') {
    requireCount(params, 2);
    return {
      pubkey: pubkeyValue(params[0], 'pubkey (params[0])'),
      account: configParam(params, 1, 'account'),
      where: 'account (params[1])',
    };
  }
  const wrapper = configParam(params, 0, 'account file');
  const account = wrapper.account;
  if (typeof account !== 'object' || account === null || Array.isArray(account)) throw invalidParam('params[0].account must be an object');
  return {
    pubkey: pubkeyValue(wrapper.pubkey, 'params[0].pubkey'),
    account: account as Record<string, unknown>,
    where: 'params[0].account',
  };
}

/** The cheat methods, answering `{context, value}` with the caller's RPC context (api version, slot). */
export function createCheatMethods(
  chain: EmbeddedChain,
  context: () => { apiVersion: string; slot: number },
  simulateTransaction: (params: Params) => unknown,
): Record<string, (params: Params) => unknown> {
  return {
    /** simulateTransaction on the state with `params[2]`'s accounts replaced, for this simulation only. */
    steward_simulateTransaction: (params) => {
      requireCount(params, 3);
      const list = params[2];
      if (!Array.isArray(list) || list.length > 64) throw invalidParam('params[2] must be a list of up to 64 {pubkey, account} overrides');
      const overrides = list.map((entry, i) => {
        if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
          throw invalidParam(`params[2][${i}] must be {pubkey, account}`);
        const { pubkey, account } = setAccountParams([entry]);
        const where = `params[2][${i}].account`;
        const executable = account.executable ?? false;
        if (typeof executable !== 'boolean') throw invalidParam(`${where}.executable must be true or false`);
        return {
          address: pubkey,
          account: {
            lamports: lamportsValue(account.lamports, `${where}.lamports`),
            data: dataValue(account.data, `${where}.data`),
            owner: pubkeyValue(account.owner, `${where}.owner`),
            executable,
          },
        };
      });
      return chain.withAccountOverrides(overrides, () => simulateTransaction([params[0], params[1]]));
    },
    /** Writes (or, with 0 lamports, removes) an account as is: no rent or ownership checks. */
    steward_setAccount: (params) => {
      const { pubkey, account, where } = setAccountParams(params);
      const lamports = lamportsValue(account.lamports, `${where}.lamports`);
      const data = dataValue(account.data, `${where}.data`);
      const owner = pubkeyValue(account.owner, `${where}.owner`);
      const executable = account.executable ?? false;
      if (typeof executable !== 'boolean') throw invalidParam(`${where}.executable must be true or false`);
      chain.setAccount(new PublicKey(pubkey), { lamports, data, owner: new PublicKey(owner), executable });
      return { context: context(), value: null };
    },
    /** Moves the chain `slots` ahead; the clock moves by slots × slot time. */
    steward_advanceSlots: (params) => {
      requireCount(params, 1);
      const slots = params[0];
      if (typeof slots !== 'number' || !Number.isSafeInteger(slots) || slots < 1 || slots > MAX_ADVANCE_SLOTS) {
        throw invalidParam(`slots (params[0]) must be an integer from 1 to ${MAX_ADVANCE_SLOTS}`);
      }
      chain.advanceSlots(slots);
      const clock = chain.clock();
      return { context: context(), value: { slot: Number(clock.slot), unixTimestamp: Number(clock.unixTimestamp) } };
    },
  };
}
