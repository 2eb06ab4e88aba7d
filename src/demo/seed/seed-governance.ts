// Materialising the demo governance plan (governance.ts) on a chain: through the SPL Governance
// program's own instructions where the chain runs it, else as accounts written with its layouts.
import type { ChainClock, ChainWriter } from '../../chain/embedded/types.js';
import { GOVERNANCE_PROGRAM_ID } from '../addresses.js';
import { planGovernance, type SeededGovernance } from './governance.js';
import { createGovernanceByProgram } from './governance-program.js';
import { writeGovernanceAccounts } from './governance-written.js';

/** Seeds the governance through the program when the chain runs it, else as written accounts. */
export async function seedGovernance(chain: ChainWriter, clock: ChainClock): Promise<SeededGovernance> {
  const plan = planGovernance(clock);
  if (chain.hasProgram(GOVERNANCE_PROGRAM_ID)) {
    await createGovernanceByProgram(chain, plan);
    return { mode: 'program', ...plan };
  }
  writeGovernanceAccounts(chain, plan);
  return { mode: 'written', ...plan };
}
