// The demo governance's voting rules (SPL Governance GovernanceConfig), and the variant the
// parameter-change proposal asks for. The community votes on the demo's proposals; the council
// (alice, bob and carol, one seat each) can propose and vote too: 60% of its 3 seats (2) pass.
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
  /** Council yes votes needed, as a percentage of the council mint's supply (3 seats: 60% is 2); absent: no council votes. */
  councilThresholdPercent?: number;
}

/** The rules in force: 20% of supply to pass, 3-day votes, 12-hour cool-off, 1-day hold-up. */
export const DEMO_GOVERNANCE_RULES: DemoGovernanceRules = {
  thresholdPercent: 20,
  baseVotingTime: 3 * 24 * 3_600,
  holdUpTime: 24 * 3_600,
  minTokensToPropose: 1_000_000n * 10n ** 6n,
  councilThresholdPercent: 60,
};
/** Council seats needed to create a proposal. */
export const DEMO_MIN_COUNCIL_TOKENS_TO_PROPOSE = 1n;
export const DEMO_VOTING_COOL_OFF_SECONDS = 12 * 3_600;

const disabled = (): VoteThreshold => new VoteThreshold({ type: VoteThresholdType.Disabled });

export function demoGovernanceConfig(rules: DemoGovernanceRules = DEMO_GOVERNANCE_RULES): GovernanceConfig {
  const council = rules.councilThresholdPercent;
  return new GovernanceConfig({
    communityVoteThreshold: new VoteThreshold({ type: VoteThresholdType.YesVotePercentage, value: rules.thresholdPercent }),
    minCommunityTokensToCreateProposal: u64(rules.minTokensToPropose),
    minInstructionHoldUpTime: rules.holdUpTime,
    baseVotingTime: rules.baseVotingTime,
    communityVoteTipping: VoteTipping.Strict,
    // The council proposes with one seat and passes with 2 of 3; it has no veto over the community.
    // Without a council threshold every council setting is off (the largest u64: nobody proposes).
    minCouncilTokensToCreateProposal: u64(council === undefined ? (1n << 64n) - 1n : DEMO_MIN_COUNCIL_TOKENS_TO_PROPOSE),
    councilVoteThreshold:
      council === undefined ? disabled() : new VoteThreshold({ type: VoteThresholdType.YesVotePercentage, value: council }),
    councilVetoVoteThreshold: disabled(),
    communityVetoVoteThreshold: disabled(),
    councilVoteTipping: council === undefined ? VoteTipping.Disabled : VoteTipping.Strict,
    votingCoolOffTime: DEMO_VOTING_COOL_OFF_SECONDS,
    depositExemptProposalCount: 10,
  });
}
