// multisig_create_v2 as the program expects it: the creation fee goes to the ProgramConfig's
// treasury, the create key signs (the multisig's address is derived from it), members sorted
// with their permissions. Used by the demo seed and the tests; a DAO creates its multisig in
// the Squads app.
import type { PublicKey, TransactionInstruction } from '@solana/web3.js';
import * as squads from '@sqds/multisig';
import { PERMISSION, SQUADS_PROGRAM_ID, multisigAddress } from './program.js';

export interface MemberSpec {
  key: PublicKey;
  initiate: boolean;
  vote: boolean;
  execute: boolean;
}

export function permissionMask(member: Pick<MemberSpec, 'initiate' | 'vote' | 'execute'>): number {
  return (member.initiate ? PERMISSION.initiate : 0) | (member.vote ? PERMISSION.vote : 0) | (member.execute ? PERMISSION.execute : 0);
}

export function createMultisigInstruction(params: {
  createKey: PublicKey;
  creator: PublicKey;
  /** The ProgramConfig's treasury (receives the creation fee). */
  programTreasury: PublicKey;
  members: readonly MemberSpec[];
  threshold: number;
  timeLockSeconds: number;
  /** Null: autonomous (changed only by its own config transactions). */
  configAuthority: PublicKey | null;
  programId?: PublicKey;
}): { multisig: PublicKey; instruction: TransactionInstruction } {
  const programId = params.programId ?? SQUADS_PROGRAM_ID;
  const multisig = multisigAddress(params.createKey, programId);
  const members = [...params.members]
    .sort((a, b) => Buffer.compare(a.key.toBuffer(), b.key.toBuffer()))
    .map((member) => ({ key: member.key, permissions: { mask: permissionMask(member) } }));
  const instruction = squads.instructions.multisigCreateV2({
    treasury: params.programTreasury,
    creator: params.creator,
    multisigPda: multisig,
    configAuthority: params.configAuthority,
    threshold: params.threshold,
    members,
    timeLock: params.timeLockSeconds,
    createKey: params.createKey,
    rentCollector: null,
    programId,
  });
  return { multisig, instruction };
}

/** Config actions that change members or the time lock (used by tests to plant misconfigurations). */
export function memberChange(
  change: { kind: 'add'; member: MemberSpec } | { kind: 'remove'; key: PublicKey } | { kind: 'time-lock'; seconds: number },
): squads.types.ConfigAction {
  switch (change.kind) {
    case 'add':
      return { __kind: 'AddMember', newMember: { key: change.member.key, permissions: { mask: permissionMask(change.member) } } };
    case 'remove':
      return { __kind: 'RemoveMember', oldMember: change.key };
    case 'time-lock':
      return { __kind: 'SetTimeLock', newTimeLock: change.seconds };
    default:
      return change satisfies never;
  }
}
