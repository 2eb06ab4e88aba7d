// Tests that need a real deployed program find it as the embedded chain does: --program,
// STEWARD_PROGRAMS_DIR (CI points it at ../shared/programs), then the cache. Where it is truly
// absent they are skipped, and say why.
import { findProgram, SPL_GOVERNANCE_PROGRAM_ID, SQUADS_V4_PROGRAM_ID, type FoundProgram } from '../../src/chain/index.js';

export const governanceProgram: FoundProgram | null = findProgram(SPL_GOVERNANCE_PROGRAM_ID);

export const NO_GOVERNANCE_PROGRAM = governanceProgram
  ? ''
  : `SKIPPED: the SPL Governance program (${SPL_GOVERNANCE_PROGRAM_ID}) was not found; set STEWARD_PROGRAMS_DIR to a folder holding spl_governance.so or run \`steward programs pull --url mainnet-beta\``;

if (NO_GOVERNANCE_PROGRAM) console.warn(NO_GOVERNANCE_PROGRAM);

export const squadsProgram: FoundProgram | null = findProgram(SQUADS_V4_PROGRAM_ID);

export const NO_SQUADS_PROGRAM = squadsProgram
  ? ''
  : `SKIPPED: the Squads v4 program (${SQUADS_V4_PROGRAM_ID}) was not found; set STEWARD_PROGRAMS_DIR to a folder holding squads_multisig_v4.so or run \`steward programs pull --url mainnet-beta\``;

if (NO_SQUADS_PROGRAM) console.warn(NO_SQUADS_PROGRAM);
