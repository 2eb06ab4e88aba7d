// What each task of a run (treasury, proposals) is handed: the agent, its policy, the runtime,
// the run's identity and mode, its phase timer and result, and the one observation both share.
import type { Keypair } from '@solana/web3.js';
import type { AgentConfig, PolicyConfig } from '../config/index.js';
import type { CompiledPolicy } from '../policy/index.js';
import type { TreasuryAnalysis, TreasurySnapshot, TreasuryView } from '../treasury/index.js';
import type { PositionsAnalysis } from '../treasury/positions/index.js';
import type { AgentRuntime, EffectiveMode } from './agent-runtime.js';
import type { Phases, RunOptions, RunResult } from './run-types.js';

export interface RunObservation {
  snapshot: TreasurySnapshot;
  /** The one view of this observation: the policy context and the review context derive from it. */
  view: TreasuryView;
  analysis: TreasuryAnalysis;
  positions: PositionsAnalysis;
  observationId: number;
}

export interface RunTaskContext {
  agent: AgentConfig;
  policyConfig: PolicyConfig;
  policy: CompiledPolicy;
  runtime: AgentRuntime;
  options: RunOptions;
  runId: number;
  mode: EffectiveMode;
  signer: Keypair | null;
  phases: Phases;
  /** Filled in as the task goes: model, assessment, actions, reviews. */
  result: RunResult;
  observation: RunObservation;
}
