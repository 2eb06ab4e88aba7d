// jsonParsed stake accounts (`program: "stake"`) as a validator's account decoder renders them:
// StakeStateV2 = u32 tag (0 uninitialized, 1 initialized(Meta), 2 stake(Meta, Stake, flags),
// 3 rewardsPool). Meta: rentExemptReserve u64, authorized (staker, withdrawer), lockup
// (unixTimestamp i64, epoch u64, custodian). Stake: delegation (voter, stake u64, activation and
// deactivation epochs u64, warmupCooldownRate f64), creditsObserved u64. Amounts and epochs the
// validator writes as strings are strings here; the others are JSON numbers.
import { encodeBase58 } from '../../shared/base58.js';
import type { ParsedAccountData } from './parsed-account.js';

export const STAKE_PROGRAM = 'Stake11111111111111111111111111111111111111';
const META_END = 124;
const STAKE_END = 196;

function metaJson(data: Uint8Array, view: DataView): Record<string, unknown> {
  return {
    rentExemptReserve: view.getBigUint64(4, true).toString(),
    authorized: { staker: encodeBase58(data.subarray(12, 44)), withdrawer: encodeBase58(data.subarray(44, 76)) },
    lockup: {
      unixTimestamp: Number(view.getBigInt64(76, true)),
      epoch: Number(view.getBigUint64(84, true)),
      custodian: encodeBase58(data.subarray(92, 124)),
    },
  };
}

export function parseStake(data: Uint8Array): ParsedAccountData | null {
  if (data.length < 4) return null;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const tag = view.getUint32(0, true);
  const space = data.length;
  if (tag === 0) return { program: 'stake', parsed: { type: 'uninitialized', info: {} }, space };
  if (tag === 3) return { program: 'stake', parsed: { type: 'rewardsPool', info: {} }, space };
  if (tag === 1 && data.length >= META_END)
    return { program: 'stake', parsed: { type: 'initialized', info: { meta: metaJson(data, view), stake: null } }, space };
  if (tag !== 2 || data.length < STAKE_END) return null;
  const stake = {
    delegation: {
      voter: encodeBase58(data.subarray(124, 156)),
      stake: view.getBigUint64(156, true).toString(),
      activationEpoch: view.getBigUint64(164, true).toString(),
      deactivationEpoch: view.getBigUint64(172, true).toString(),
      warmupCooldownRate: view.getFloat64(180, true),
    },
    creditsObserved: Number(view.getBigUint64(188, true)),
  };
  return { program: 'stake', parsed: { type: 'delegated', info: { meta: metaJson(data, view), stake } }, space };
}
