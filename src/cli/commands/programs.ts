// `steward programs pull [ID...]`: reads deployed programs' bytes from a cluster (--url) into
// the program cache (`.steward/programs`, or --out), each with its sha256 beside it, so the
// embedded chain runs the very programs the user's cluster runs. `steward programs list`: where
// the embedded chain would find each program Steward knows, and which one it would load.
import { resolve } from 'node:path';
import { PublicKey } from '@solana/web3.js';
import type { Command } from 'commander';
import {
  KNOWN_PROGRAMS,
  SPL_GOVERNANCE_PROGRAM_ID,
  findProgram,
  knownProgramName,
  programCacheDirs,
  readDeployedProgram,
  sha256Hex,
  writeProgramFile,
  openCluster,
} from '../../chain/index.js';
import { StewardError } from '../../errors/index.js';
import { redactText, terminalText } from '../../shared/index.js';
import { readFileSync } from 'node:fs';
import { createContext, type CliIo } from '../context.js';
import { SUMMARY } from '../summaries.js';

function programId(text: string): PublicKey {
  try {
    return new PublicKey(text);
  } catch {
    throw new StewardError('ADDRESS_INVALID', `"${text}" is not a program id (base-58 public key)`, {
      hint: `e.g. ${SPL_GOVERNANCE_PROGRAM_ID} (SPL Governance)`,
    });
  }
}

export function registerPrograms(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const programs = program.command('programs').description(SUMMARY.programs);

  programs
    .command('pull')
    .description(
      `read deployed programs from the cluster (--url) into the cache with their sha256 (default: every program Steward knows: ${KNOWN_PROGRAMS.map((p) => p.name).join(', ')})`,
    )
    .argument('[ids...]', 'program ids')
    .option('--out <dir>', 'folder to write <ID>.so and <ID>.json into', programCacheDirs()[0])
    .action(async (ids: string[], options: { out: string }, command: Command) => {
      const ctx = createContext(command, io);
      const keys = (ids.length > 0 ? ids : KNOWN_PROGRAMS.map((known) => known.id)).map(programId);
      const cluster = await openCluster(ctx.settings.rpcUrl, { logger: ctx.logger });
      // Each program on its own: one that fails is named and the rest are still pulled.
      const failed: { id: string; error: StewardError }[] = [];
      try {
        for (const key of keys) {
          const name = knownProgramName(key.toBase58());
          try {
            const deployed = await readDeployedProgram(cluster.connection, key);
            const written = writeProgramFile(resolve(options.out), deployed, cluster.label);
            io.stdout(`${name} ${deployed.id}: ${deployed.bytes.length} bytes, sha256 ${deployed.sha256}`);
            io.stdout(
              `  from ${cluster.label}${deployed.programData ? ` (ProgramData ${deployed.programData}, deployed in slot ${deployed.deploySlot})` : ''}`,
            );
            io.stdout(`  wrote ${written.path} and ${written.metaPath}`);
          } catch (error) {
            if (!(error instanceof StewardError)) throw error;
            failed.push({ id: key.toBase58(), error });
            // The message quotes the RPC's answer: through the output boundary, as main prints errors.
            const said = `${error.message}${error.hint ? ` (${error.hint})` : ''}`;
            io.stderr(`${name} ${key.toBase58()}: NOT pulled: ${terminalText(redactText(said))}`);
          }
        }
      } finally {
        await cluster.close();
      }
      if (failed.length > 0) {
        throw new StewardError(
          'CHAIN_FAILED',
          `${failed.length} of ${keys.length} program(s) not pulled: ${failed.map((f) => `${knownProgramName(f.id)} ${f.id}`).join(', ')}`,
          {
            hint:
              failed.length < keys.length ? 'the others were written; see the lines above for each failure' : (failed[0]?.error.hint ?? ''),
            context: { failed: failed.map((f) => ({ programId: f.id, code: f.error.code })) },
          },
        );
      }
      setExit(0);
    });

  programs
    .command('list')
    .description('where the embedded chain finds each known program: --program, STEWARD_PROGRAMS_DIR, then the cache')
    .action((_options: unknown, command: Command) => {
      createContext(command, io);
      for (const known of KNOWN_PROGRAMS) {
        const found = findProgram(known.id);
        if (!found) {
          io.stdout(
            `${known.name} ${known.id}: not found (set STEWARD_PROGRAMS_DIR, or \`steward programs pull --url mainnet-beta ${known.id}\`)`,
          );
          continue;
        }
        io.stdout(`${known.name} ${known.id}: ${found.path} (${found.source}), sha256 ${sha256Hex(readFileSync(found.path))}`);
      }
      io.stdout(`cache folders: ${programCacheDirs().join(', ')}`);
      setExit(0);
    });
}
