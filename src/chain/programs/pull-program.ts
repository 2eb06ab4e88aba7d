// Reads a deployed program's executable bytes from a cluster, as `solana program dump` does:
// an upgradeable-loader program account names its ProgramData account, whose data after a
// 45-byte header (tag u32, deploy slot u64, upgrade authority Option<Pubkey>) is the ELF with
// its deployment padding; a program of the older loaders holds the ELF in its own data.
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PublicKey, type Connection } from '@solana/web3.js';
import { StewardError } from '../../errors/index.js';
import { redactUrl } from '../../shared/index.js';
import { rpcCall } from '../rpc.js';

export const UPGRADEABLE_LOADER_ID = 'BPFLoaderUpgradeab1e11111111111111111111111';
const LEGACY_LOADERS = new Set(['BPFLoader2111111111111111111111111111111111', 'BPFLoader1111111111111111111111111111111111']);
const PROGRAM_TAG = 2;
const PROGRAM_DATA_TAG = 3;
export const PROGRAM_DATA_HEADER_BYTES = 45;

export interface DeployedProgram {
  id: string;
  bytes: Uint8Array;
  sha256: string;
  loader: string;
  /** The ProgramData account (upgradeable loader only). */
  programData: string | null;
  /** Slot of the last deployment (upgradeable loader only). */
  deploySlot: bigint | null;
  upgradeAuthority: string | null;
}

async function read(connection: Connection, address: PublicKey, what: string) {
  try {
    return await rpcCall('getAccountInfo', connection.rpcEndpoint, () => connection.getAccountInfo(address, 'confirmed'));
  } catch (error) {
    throw new StewardError(
      error instanceof StewardError ? error.code : 'RPC_FAILED',
      `reading ${what} ${address.toBase58()} from ${redactUrl(connection.rpcEndpoint)} failed: ${(error as Error).message}`,
      {
        hint: 'check the cluster URL (--url) and that it answers getAccountInfo',
        cause: error,
      },
    );
  }
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function readDeployedProgram(connection: Connection, programId: PublicKey): Promise<DeployedProgram> {
  const id = programId.toBase58();
  const where = redactUrl(connection.rpcEndpoint);
  const program = await read(connection, programId, 'program');
  if (!program) {
    throw new StewardError('CHAIN_FAILED', `program ${id} does not exist on ${where}`, {
      hint: 'check the program id and the cluster (--url)',
      context: { programId: id },
    });
  }
  if (!program.executable) {
    throw new StewardError('CHAIN_FAILED', `account ${id} on ${where} is not an executable program (owner ${program.owner.toBase58()})`, {
      hint: 'pass a program id, not a data account',
      context: { programId: id },
    });
  }
  const loader = program.owner.toBase58();
  if (LEGACY_LOADERS.has(loader)) {
    const bytes = Uint8Array.from(program.data);
    return { id, bytes, sha256: sha256Hex(bytes), loader, programData: null, deploySlot: null, upgradeAuthority: null };
  }
  if (loader !== UPGRADEABLE_LOADER_ID) {
    throw new StewardError('CHAIN_FAILED', `program ${id} on ${where} is owned by ${loader}, a loader Steward cannot read`, {
      hint: 'only the BPF loaders (upgradeable, v2, v1) are supported',
      context: { programId: id, loader },
    });
  }
  if (program.data.length < 36 || program.data.readUInt32LE(0) !== PROGRAM_TAG) {
    throw new StewardError(
      'RPC_BAD_RESPONSE',
      `program account ${id} on ${where} is not an upgradeable-loader Program account (${program.data.length} bytes)`,
      { hint: 'the node returned unexpected data; try another RPC', context: { programId: id } },
    );
  }
  const programData = new PublicKey(program.data.subarray(4, 36));
  const data = await read(connection, programData, 'program data');
  if (
    !data ||
    data.data.length < PROGRAM_DATA_HEADER_BYTES ||
    data.data.readUInt32LE(0) !== PROGRAM_DATA_TAG ||
    !data.owner.equals(program.owner)
  ) {
    throw new StewardError(
      'RPC_BAD_RESPONSE',
      `the ProgramData account ${programData.toBase58()} of program ${id} on ${where} is missing or not ProgramData`,
      {
        hint: 'the program may be closed; check it with `solana program show`',
        context: { programId: id, programData: programData.toBase58() },
      },
    );
  }
  const deploySlot = data.data.readBigUInt64LE(4);
  const upgradeAuthority = data.data[12] === 1 ? new PublicKey(data.data.subarray(13, 45)).toBase58() : null;
  const bytes = Uint8Array.from(data.data.subarray(PROGRAM_DATA_HEADER_BYTES));
  return { id, bytes, sha256: sha256Hex(bytes), loader, programData: programData.toBase58(), deploySlot, upgradeAuthority };
}

export interface WrittenProgram {
  path: string;
  /** `<ID>.json` beside it: id, sha256, size, cluster, deploy slot, when. */
  metaPath: string;
}

/** Writes `<dir>/<ID>.so` (atomically) and `<dir>/<ID>.json` with its sha256 and provenance. */
export function writeProgramFile(dir: string, program: DeployedProgram, cluster: string, now = new Date()): WrittenProgram {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${program.id}.so`);
  const metaPath = join(dir, `${program.id}.json`);
  const partial = `${path}.partial`;
  writeFileSync(partial, program.bytes);
  renameSync(partial, path);
  const meta = {
    programId: program.id,
    sha256: program.sha256,
    bytes: program.bytes.length,
    loader: program.loader,
    programData: program.programData,
    deploySlot: program.deploySlot?.toString() ?? null,
    upgradeAuthority: program.upgradeAuthority,
    cluster,
    pulledAt: now.toISOString(),
  };
  writeFileSync(metaPath, `${JSON.stringify(meta, null, 2)}\n`);
  return { path, metaPath };
}
