// The demo governance's voting rules (SPL Governance GovernanceConfig), and the variant the
// parameter-change proposal asks for. Community tokens only: every council setting is off.
import { GovernanceConfig, VoteThreshold, VoteThresholdType, VoteTipping } from '@solana/spl-governance';
import { u64 } from './governance-accounts.js';

export interface DemoGovernanceRules {
  /** Yes votes needed, as a percentage of the community mint's supply. */
  thresholdPercent: number;
  /** Seconds a proposal is open for votes. */
  baseVotingTime: number;
  /** Seconds between a proposal passing and its transactions becoming executable. */
  holdUpTime: number;
  /** Community token base units needed to create a proposal. */
  minTokensToPropose: bigint;
}

/** The rules in force: 20% of supply to pass, 3-day votes, 12-hour cool-off, 1-day hold-up. */
export const DEMO_GOVERNANCE_RULES: DemoGovernanceRules = {
  thresholdPercent: 20,
  baseVotingTime: 3 * 24 * 3_600,
  holdUpTime: 24 * 3_600,
  minTokensToPropose: 1_000_000n * 10n ** 6n,
};
export const DEMO_VOTING_COOL_OFF_SECONDS = 12 * 3_600;

const disabled = (): VoteThreshold => new VoteThreshold({ type: VoteThresholdType.Disabled });

export function demoGovernanceConfig(rules: DemoGovernanceRules = DEMO_GOVERNANCE_RULES): GovernanceConfig {
  return new GovernanceConfig({
    communityVoteThreshold: new VoteThreshold({ type: VoteThresholdType.YesVotePercentage, value: rules.thresholdPercent }),
    minCommunityTokensToCreateProposal: u64(rules.minTokensToPropose),
    minInstructionHoldUpTime: rules.holdUpTime,
    baseVotingTime: rules.baseVotingTime,
    communityVoteTipping: VoteTipping.Strict,
    // No council: the largest u64 means no council member can ever propose.
    minCouncilTokensToCreateProposal: u64((1n << 64n) - 1n),
    councilVoteThreshold: disabled(),
    councilVetoVoteThreshold: disabled(),
    communityVetoVoteThreshold: disabled(),
    councilVoteTipping: VoteTipping.Disabled,
    votingCoolOffTime: DEMO_VOTING_COOL_OFF_SECONDS,
    depositExemptProposalCount: 10,
  });
}
