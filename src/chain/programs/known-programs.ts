// Programs Steward knows by id: the file names they go by in a programs folder
// (`solana program dump` output named by id, or the conventional crate name).
export interface KnownProgram {
  id: string;
  name: string;
  /** File names a programs folder may hold it under, in the order they are tried. */
  files: readonly string[];
}

export const SPL_GOVERNANCE_PROGRAM_ID = 'GovER5Lthms3bLBqWub97yVrMmEogzX7xNjdXpPPCVZw';
export const SQUADS_V4_PROGRAM_ID = 'SQDS4ep65T869zMMBKyuUq6aD6EgTu8psMjkvj52pCf';

export const KNOWN_PROGRAMS: readonly KnownProgram[] = [
  { id: SPL_GOVERNANCE_PROGRAM_ID, name: 'SPL Governance', files: [`${SPL_GOVERNANCE_PROGRAM_ID}.so`, 'spl_governance.so'] },
  { id: SQUADS_V4_PROGRAM_ID, name: 'Squads v4', files: [`${SQUADS_V4_PROGRAM_ID}.so`, 'squads_multisig_v4.so'] },
];

export function knownProgram(id: string): KnownProgram | undefined {
  return KNOWN_PROGRAMS.find((program) => program.id === id);
}

/** The file names to look for: `<ID>.so` always, then a known program's usual names. */
export function programFileNames(id: string): string[] {
  return [...new Set([`${id}.so`, ...(knownProgram(id)?.files ?? [])])];
}

export function knownProgramName(id: string): string {
  return knownProgram(id)?.name ?? 'program';
}
