// Registration of every command. One file per command (or command group).
import type { Command } from 'commander';
import type { CliIo } from '../context.js';
import { registerAllowance } from './allowance.js';
import { registerApprovals } from './approvals.js';
import { registerDemo } from './demo.js';
import { registerDoctor } from './doctor.js';
import { registerGrant } from './grant.js';
import { registerLocalnet } from './localnet.js';
import { registerModel } from './model.js';
import { registerObserve } from './observe.js';
import { registerPause } from './pause.js';
import { registerPolicy } from './policy.js';
import { registerPrograms } from './programs.js';
import { registerReview } from './review.js';
import { registerRun } from './run.js';
import { registerRuns } from './runs.js';
import { registerSchemas } from './schemas.js';
import { registerServeModel } from './serve-model.js';
import { registerStart } from './start.js';
import { registerStatus } from './status.js';
import { registerValidate } from './validate.js';

export type Register = (program: Command, io: CliIo, setExit: (code: number) => void) => void;

const commands: Register[] = [registerValidate, registerDoctor, registerSchemas];
commands.push(registerLocalnet, registerPrograms);
commands.push(registerModel, registerServeModel);
commands.push(registerPolicy, registerPause);

commands.push(registerObserve);
commands.push(registerReview);
commands.push(registerRun, registerRuns, registerStatus, registerStart, registerDemo);
commands.push(registerApprovals, registerGrant, registerAllowance);

export function registerCommands(program: Command, io: CliIo, setExit: (code: number) => void): void {
  for (const register of commands) register(program, io, setExit);
}
