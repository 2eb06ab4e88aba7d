// Program binaries for the embedded chain: where they are found, and reading them from a cluster.
export {
  KNOWN_PROGRAMS,
  SPL_GOVERNANCE_PROGRAM_ID,
  SQUADS_V4_PROGRAM_ID,
  knownProgram,
  knownProgramName,
  programFileNames,
  type KnownProgram,
} from './known-programs.js';
export { findProgram, programCacheDirs, type FoundProgram, type ProgramSearch, type ProgramSource } from './find-program.js';
export {
  readDeployedProgram,
  writeProgramFile,
  sha256Hex,
  PROGRAM_DATA_HEADER_BYTES,
  UPGRADEABLE_LOADER_ID,
  type DeployedProgram,
  type WrittenProgram,
} from './pull-program.js';
