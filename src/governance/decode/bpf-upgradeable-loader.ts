// BPF upgradeable loader: program upgrades, upgrade-authority changes and closing programs or
// buffers. Each is a takeover vector (new code, or someone else's key over the code).
// Layout: a u32 little-endian tag (bincode enum), accounts as the loader's processor reads them.
import { PublicKey, type TransactionInstruction } from '@solana/web3.js';
import { decoded, errorText, key, short, undecodable } from './base.js';
import type { DecodedInstruction } from './types.js';

export const BPF_UPGRADEABLE_LOADER_ID = new PublicKey('BPFLoaderUpgradeab1e11111111111111111111111');

const NAMES = [
  'InitializeBuffer',
  'Write',
  'DeployWithMaxDataLen',
  'Upgrade',
  'SetAuthority',
  'Close',
  'ExtendProgram',
  'SetAuthorityChecked',
  'Migrate',
  'ExtendProgramChecked',
] as const;

export function decodeBpfUpgradeableLoader(instruction: TransactionInstruction, index: number): DecodedInstruction {
  try {
    // eslint-disable-next-line no-restricted-syntax -- caught below: the instruction is reported undecodable with this text
    if (instruction.data.length < 4) throw new Error(`expected a 4-byte instruction tag, got ${instruction.data.length} bytes`);
    const tag = Buffer.from(instruction.data).readUInt32LE(0);
    const optional = (position: number): string | null => instruction.keys[position]?.pubkey.toBase58() ?? null;
    switch (tag) {
      case 3: {
        const programData = key(instruction, 0, 'program data');
        const program = key(instruction, 1, 'program');
        const buffer = key(instruction, 2, 'buffer');
        const spill = key(instruction, 3, 'spill');
        const authority = key(instruction, 6, 'upgrade authority');
        return decoded(
          instruction,
          index,
          'bpf-upgradeable-loader',
          `UPGRADE program ${short(program)} with the code in buffer ${short(buffer)}`,
          {
            kind: 'program-upgrade',
            upgradedProgram: program,
            programData,
            buffer,
            spill,
            authority,
          },
        );
      }
      case 4:
      case 7: {
        const account = key(instruction, 0, 'program data or buffer');
        const currentAuthority = key(instruction, 1, 'current authority');
        const newAuthority = tag === 7 ? key(instruction, 2, 'new authority') : optional(2);
        return decoded(
          instruction,
          index,
          'bpf-upgradeable-loader',
          `set the upgrade authority of ${short(account)} to ${newAuthority === null ? 'NONE (program becomes immutable)' : short(newAuthority)}`,
          { kind: 'program-set-authority', account, currentAuthority, newAuthority, checked: tag === 7 },
        );
      }
      case 5: {
        const account = key(instruction, 0, 'account to close');
        const recipient = key(instruction, 1, 'lamport recipient');
        return decoded(
          instruction,
          index,
          'bpf-upgradeable-loader',
          `CLOSE program account ${short(account)}, lamports to ${short(recipient)}`,
          {
            kind: 'program-close',
            account,
            recipient,
            authority: optional(2),
            closedProgram: optional(3),
          },
        );
      }
      default: {
        const name = NAMES[tag];
        // eslint-disable-next-line no-restricted-syntax -- caught below: the instruction is reported undecodable with this text
        if (name === undefined) throw new Error(`unknown loader instruction tag ${tag}`);
        return decoded(instruction, index, 'bpf-upgradeable-loader', `loader ${name}`, { kind: 'loader-other', name });
      }
    }
  } catch (error) {
    return undecodable(instruction, index, 'bpf-upgradeable-loader', errorText(error));
  }
}
