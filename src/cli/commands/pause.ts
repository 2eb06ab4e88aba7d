// `steward pause` / `steward resume`: the kill switch kept in the database. While paused, every
// proposed action is denied (rule kill-switch.db) and so is every transaction at its effects
// check, whatever the policy files say.
import type { Command } from 'commander';
import { pauseState, setPaused } from '../../store/index.js';
import { createContext, type CliIo } from '../context.js';
import { SUMMARY } from '../summaries.js';

export function registerPause(program: Command, io: CliIo): void {
  program
    .command('pause')
    .description(SUMMARY['pause'])
    .option('--reason <text>', 'why, shown in every denied verdict log and in status')
    .action((options: { reason?: string }, command: Command) => {
      const ctx = createContext(command, io);
      using store = ctx.openStore();
      setPaused(store.db, true, options.reason);
      io.stdout(
        `paused: every action is denied until \`steward resume\`${options.reason ? ` (reason: ${options.reason})` : ''} [${store.path}]`,
      );
    });
  program
    .command('resume')
    .description(SUMMARY['resume'])
    .action((_options: unknown, command: Command) => {
      const ctx = createContext(command, io);
      using store = ctx.openStore();
      const before = pauseState(store.db);
      setPaused(store.db, false);
      io.stdout(
        before.paused ? `resumed: actions are judged by policy again [${store.path}]` : `was not paused; nothing changed [${store.path}]`,
      );
    });
}
