// Blocks of the embedded chain: getBlock, getBlocks, getBlocksWithLimit. Every slot up to the
// current one is a block (the chain skips none; a slot jumped over by advanceSlots is an empty
// block), its blockhash the one produced at that slot (SlotHashes' hash for a jumped-over slot),
// its transactions those that landed in it while they are still in the history.
import type { EmbeddedChain } from './embedded-chain.js';
import { encodeBase58 } from '../../shared/base58.js';
import { transactionJson, type TransactionEncoding } from './rpc-encoding.js';
import {
  RpcError,
  checkCommitment,
  configParam,
  integerParam,
  invalidParam,
  optionalBoolean,
  optionalInteger,
  type Params,
} from './rpc-params.js';
import { skippedSlotHash } from './slot-hashes.js';

/** A validator's MAX_GET_CONFIRMED_BLOCKS_RANGE. */
const MAX_BLOCKS_RANGE = 500_000;
const RPC_BLOCK_NOT_AVAILABLE = -32004;

export function createBlockMethods(chain: EmbeddedChain): Record<string, (params: Params) => unknown> {
  const hashes = new Map<bigint, string>();
  const signatures = new Map<bigint, string[]>();
  chain.onSlot((slot) => {
    hashes.set(slot, chain.svm.latestBlockhash());
    // Keep the last ~history's worth of slots.
    if (hashes.size > 50_000) hashes.delete(hashes.keys().next().value as bigint);
  });
  chain.onCommit((event) => {
    if (!event.signature) return;
    let list = signatures.get(event.slot);
    if (!list) {
      signatures.set(event.slot, (list = []));
      if (signatures.size > 50_000) signatures.delete(signatures.keys().next().value as bigint);
    }
    list.push(event.signature);
  });
  const blockhashOf = (slot: bigint) => {
    // The slot the chain was at before these methods were created has not been seen moving.
    if (!hashes.has(slot) && slot === chain.slot) hashes.set(slot, chain.svm.latestBlockhash());
    return hashes.get(slot) ?? encodeBase58(skippedSlotHash(slot));
  };
  const available = (slot: number) => {
    if (slot < 0 || BigInt(slot) > chain.slot) throw new RpcError(RPC_BLOCK_NOT_AVAILABLE, `Block not available for slot ${slot}`);
  };

  return {
    getBlock: (params) => {
      const slot = integerParam(params, 0, 'slot');
      const raw = params[1];
      const config = typeof raw === 'string' ? { encoding: raw } : configParam(params, 1);
      checkCommitment(config);
      if (config.commitment === 'processed') throw invalidParam('Method does not support commitment below `confirmed`');
      const encoding = (config.encoding ?? 'json') as TransactionEncoding;
      if (!['json', 'jsonParsed', 'base64', 'base58'].includes(encoding))
        throw invalidParam(`encoding must be one of json, jsonParsed, base64, base58; got ${JSON.stringify(encoding)}`);
      const details = config.transactionDetails ?? 'full';
      if (details !== 'full' && details !== 'signatures' && details !== 'none')
        throw invalidParam('transactionDetails must be full, signatures or none (accounts is not supported by the embedded chain)');
      const rewards = optionalBoolean(config, 'rewards') ?? true;
      const maxVersion = optionalInteger(config, 'maxSupportedTransactionVersion');
      available(slot);
      const at = BigInt(slot);
      const records = (signatures.get(at) ?? []).map((signature) => chain.history.get(signature)).filter((record) => record !== undefined);
      const block: Record<string, unknown> = {
        blockHeight: slot,
        blockTime: chain.blockTime(at),
        blockhash: blockhashOf(at),
        parentSlot: Math.max(0, slot - 1),
        previousBlockhash: blockhashOf(at === 0n ? 0n : at - 1n),
      };
      if (details === 'full') {
        block.transactions = records.map((record) => {
          const { meta, transaction, version } = transactionJson(chain, record, encoding, maxVersion);
          return { meta, transaction, version };
        });
      } else if (details === 'signatures') {
        block.signatures = records.map((record) => record.signature);
      }
      if (rewards) block.rewards = [];
      return block;
    },
    getBlocks: (params) => {
      const start = integerParam(params, 0, 'start slot');
      const endParam = typeof params[1] === 'number' ? integerParam(params, 1, 'end slot') : undefined;
      checkCommitment(configParam(params, endParam === undefined ? 1 : 2));
      const end = Math.min(endParam ?? Number(chain.slot), Number(chain.slot));
      if (end - start > MAX_BLOCKS_RANGE) throw invalidParam(`Slot range too large; max ${MAX_BLOCKS_RANGE}`);
      return start > end ? [] : Array.from({ length: end - start + 1 }, (_, i) => start + i);
    },
    getBlocksWithLimit: (params) => {
      const start = integerParam(params, 0, 'start slot');
      const limit = integerParam(params, 1, 'limit');
      checkCommitment(configParam(params, 2));
      if (limit > MAX_BLOCKS_RANGE) throw invalidParam(`Limit too large; max ${MAX_BLOCKS_RANGE}`);
      const end = Math.min(start + limit - 1, Number(chain.slot));
      return start > end ? [] : Array.from({ length: end - start + 1 }, (_, i) => start + i);
    },
  };
}
