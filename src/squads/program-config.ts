// The Squads v4 global ProgramConfig account. On mainnet a privileged one-time initializer
// wrote it; a fresh chain (the embedded one, a test) has none, and multisig_create_v2 reads it
// for the creation fee and the treasury that receives it. This encodes it with the IDL's own
// layout so the account can be written directly; everything after it goes through the program.
import { PublicKey } from '@solana/web3.js';
import * as squads from '@sqds/multisig';
import BN from 'bn.js';
import { SQUADS_PROGRAM_ID, programConfigAddress } from './program.js';

export interface ProgramConfigParams {
  authority: PublicKey;
  /** Receives the creation fee; must not be the default key (the program checks). */
  treasury: PublicKey;
  creationFeeLamports?: bigint;
}

export function encodeProgramConfig(params: ProgramConfigParams): Buffer {
  const [data] = squads.accounts.ProgramConfig.fromArgs({
    authority: params.authority,
    multisigCreationFee: new BN((params.creationFeeLamports ?? 0n).toString()),
    treasury: params.treasury,
    reserved: new Array<number>(64).fill(0),
  }).serialize();
  return data;
}

/** Address, owner and bytes of the ProgramConfig account to write on a fresh chain. */
export function programConfigAccount(
  params: ProgramConfigParams,
  programId = SQUADS_PROGRAM_ID,
): { address: PublicKey; owner: PublicKey; data: Buffer } {
  return { address: programConfigAddress(programId), owner: programId, data: encodeProgramConfig(params) };
}
