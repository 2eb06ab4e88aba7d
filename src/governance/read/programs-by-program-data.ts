// Which program a ProgramData account belongs to. The upgradeable loader's SetAuthority names
// the ProgramData account, not the program; the program account (36 bytes: tag 2 and its
// ProgramData address) points to it, so one getProgramAccounts per ProgramData finds it.
// Only proposals that change an upgrade authority cost these requests.
import { PublicKey, type Connection, type TransactionInstruction } from '@solana/web3.js';
import { BPF_UPGRADEABLE_LOADER_ID } from '../decode/bpf-upgradeable-loader.js';

const SET_AUTHORITY = 4;
const SET_AUTHORITY_CHECKED = 7;

/** The ProgramData (or buffer) accounts whose upgrade authority these instructions set. */
export function upgradeAuthorityTargets(instructions: readonly TransactionInstruction[]): string[] {
  const targets = instructions
    .filter(
      (ix) =>
        ix.programId.equals(BPF_UPGRADEABLE_LOADER_ID) &&
        ix.data.length >= 4 &&
        [SET_AUTHORITY, SET_AUTHORITY_CHECKED].includes(ix.data.readUInt32LE(0)),
    )
    .flatMap((ix) => (ix.keys[0] ? [ix.keys[0].pubkey.toBase58()] : []));
  return [...new Set(targets)];
}

/** Program address by ProgramData address, for those the cluster resolves (a buffer or an unreadable one is left out). */
export async function getProgramsByProgramData(connection: Connection, programData: readonly string[]): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  for (const address of programData) {
    try {
      const accounts = await connection.getProgramAccounts(BPF_UPGRADEABLE_LOADER_ID, {
        commitment: 'confirmed',
        dataSlice: { offset: 0, length: 0 },
        filters: [{ dataSize: 36 }, { memcmp: { offset: 4, bytes: new PublicKey(address).toBase58() } }],
      });
      if (accounts.length === 1) found[address] = accounts[0]!.pubkey.toBase58();
    } catch {
      // unresolved: the review names the ProgramData account and says the program was not resolved
    }
  }
  return found;
}
