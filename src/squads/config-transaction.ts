// What a multisig's members send to change its configuration: a config transaction carrying
// config actions (here: add or remove spending limits), the proposal that members vote on, and
// for the embedded chain's demo members the approve and execute steps. A controlled multisig
// (one with a config authority) is changed directly with the authority's signature
// (multisig_add/remove_spending_limit, multisig_add/remove_member, multisig_set_time_lock).
import { PublicKey, type TransactionInstruction } from '@solana/web3.js';
import * as squads from '@sqds/multisig';
import BN from 'bn.js';
import { StewardError } from '../errors/index.js';
import { PERIOD_INDEX, SQUADS_PROGRAM_ID, spendingLimitAddress, type SquadsPeriod } from './program.js';

export interface SpendingLimitSpec {
  /** Seeds the limit's address; a fresh key per limit (its address is derived from it). */
  createKey: PublicKey;
  vaultIndex: number;
  /** The mint, or "native" for SOL. */
  mint: string;
  amount: bigint;
  period: SquadsPeriod;
  members: PublicKey[];
  destinations: PublicKey[];
}

export type LimitChange = { kind: 'add'; limit: SpendingLimitSpec } | { kind: 'remove'; spendingLimit: PublicKey };

/** A limit change, or any other config action (members, threshold, time lock). */
export type ConfigChange = LimitChange | { kind: 'config'; action: squads.types.ConfigAction };

const mintKey = (mint: string): PublicKey => (mint === 'native' ? PublicKey.default : new PublicKey(mint));

/** The program requires a spending limit's members sorted (it refuses duplicates by comparing neighbours). */
const sortedKeys = (keys: readonly PublicKey[]): PublicKey[] => [...keys].sort((a, b) => Buffer.compare(a.toBuffer(), b.toBuffer()));

export function configAction(change: ConfigChange): squads.types.ConfigAction {
  if (change.kind === 'config') return change.action;
  if (change.kind === 'remove') return { __kind: 'RemoveSpendingLimit', spendingLimit: change.spendingLimit };
  const { limit } = change;
  return {
    __kind: 'AddSpendingLimit',
    createKey: limit.createKey,
    vaultIndex: limit.vaultIndex,
    mint: mintKey(limit.mint),
    amount: new BN(limit.amount.toString()),
    period: PERIOD_INDEX[limit.period],
    members: sortedKeys(limit.members),
    destinations: limit.destinations,
  };
}

export function changedLimitAddress(multisig: PublicKey, change: ConfigChange, programId = SQUADS_PROGRAM_ID): PublicKey | null {
  if (change.kind === 'config') return null;
  return change.kind === 'add' ? spendingLimitAddress(multisig, change.limit.createKey, programId) : change.spendingLimit;
}

export interface ConfigTransactionPlan {
  /** The transaction index the new config transaction takes (the multisig's index + 1). */
  transactionIndex: bigint;
  /** config_transaction_create then proposal_create, signed by `creator` (a member with Initiate). */
  create: TransactionInstruction[];
  /** The spending-limit accounts config_transaction_execute must be given. */
  spendingLimits: PublicKey[];
}

export function planConfigTransaction(params: {
  multisig: PublicKey;
  /** The multisig's current transaction index. */
  currentIndex: bigint;
  creator: PublicKey;
  changes: readonly ConfigChange[];
  memo?: string;
  programId?: PublicKey;
}): ConfigTransactionPlan {
  const programId = params.programId ?? SQUADS_PROGRAM_ID;
  const transactionIndex = params.currentIndex + 1n;
  const create = [
    squads.instructions.configTransactionCreate({
      multisigPda: params.multisig,
      transactionIndex,
      creator: params.creator,
      actions: params.changes.map(configAction),
      programId,
      ...(params.memo ? { memo: params.memo } : {}),
    }),
    squads.instructions.proposalCreate({ multisigPda: params.multisig, creator: params.creator, transactionIndex, programId }),
  ];
  return {
    transactionIndex,
    create,
    spendingLimits: params.changes.flatMap((change) => changedLimitAddress(params.multisig, change, programId) ?? []),
  };
}

export function approveInstruction(
  multisig: PublicKey,
  transactionIndex: bigint,
  member: PublicKey,
  programId = SQUADS_PROGRAM_ID,
): TransactionInstruction {
  return squads.instructions.proposalApprove({ multisigPda: multisig, transactionIndex, member, programId });
}

export function executeConfigInstruction(
  multisig: PublicKey,
  transactionIndex: bigint,
  member: PublicKey,
  spendingLimits: PublicKey[],
  programId = SQUADS_PROGRAM_ID,
): TransactionInstruction {
  return squads.instructions.configTransactionExecute({
    multisigPda: multisig,
    transactionIndex,
    member,
    rentPayer: member,
    spendingLimits,
    programId,
  });
}

/**
 * Controlled multisigs only: the config authority makes the change directly (no config
 * transaction; the program refuses those for a controlled multisig): a spending limit added or
 * removed, a member added or removed, the time lock set.
 */
export function controlledInstruction(params: {
  multisig: PublicKey;
  configAuthority: PublicKey;
  change: ConfigChange;
  programId?: PublicKey;
}): TransactionInstruction {
  const programId = params.programId ?? SQUADS_PROGRAM_ID;
  const base = { multisigPda: params.multisig, configAuthority: params.configAuthority, programId };
  const action = configAction(params.change);
  switch (action.__kind) {
    case 'RemoveSpendingLimit':
      return squads.instructions.multisigRemoveSpendingLimit({
        ...base,
        spendingLimit: action.spendingLimit,
        rentCollector: params.configAuthority,
      });
    case 'AddSpendingLimit':
      return squads.instructions.multisigAddSpendingLimit({
        ...base,
        rentPayer: params.configAuthority,
        createKey: action.createKey,
        spendingLimit: spendingLimitAddress(params.multisig, action.createKey, programId),
        vaultIndex: action.vaultIndex,
        mint: action.mint,
        amount: BigInt(action.amount.toString()),
        period: action.period,
        members: action.members,
        destinations: action.destinations,
      });
    case 'AddMember':
      return squads.instructions.multisigAddMember({ ...base, rentPayer: params.configAuthority, newMember: action.newMember });
    case 'RemoveMember':
      return squads.instructions.multisigRemoveMember({ ...base, oldMember: action.oldMember });
    case 'SetTimeLock':
      return squads.instructions.multisigSetTimeLock({ ...base, timeLock: action.newTimeLock });
    default:
      throw new StewardError(
        'ARGUMENT_INVALID',
        `a controlled multisig's config authority has no instruction for the config action ${action.__kind} here`,
        {
          hint: 'make that change in the Squads app with the config authority',
        },
      );
  }
}
