// SPL Governance (Realms) instructions inside a proposal: the ones that change the realm or
// a governance (voting thresholds, hold-up and voting times, realm authority, council mint,
// voter-weight plugins) are broken down field by field; the rest are named. Decoded with
// @solana/spl-governance's own borsh schema, so the layout is the program's.
import {
  deserializeBorsh,
  getGovernanceInstructionSchema,
  GovernanceInstruction,
  SetGovernanceConfigArgs,
  SetRealmAuthorityAction,
  SetRealmAuthorityArgs,
  SetRealmConfigArgs,
  VoteThresholdType,
  type GovernanceConfig,
  type VoteThreshold,
} from '@solana/spl-governance';
import type { TransactionInstruction } from '@solana/web3.js';
import { decoded, errorText, key, short, undecodable } from './base.js';
import type { DecodedInstruction, GovernanceConfigSummary } from './types.js';

/** Program version whose instruction layout is assumed (v3 is what every current realm runs). */
export const GOVERNANCE_PROGRAM_VERSION = 3;

// bn.js → decimal via bytes, not bn.js's own base-10 printer (see read/get-proposals.ts).
const u64 = (value: { toArrayLike(type: typeof Buffer, endian: 'le', length: number): Buffer }): string =>
  value.toArrayLike(Buffer, 'le', 8).readBigUInt64LE(0).toString();

function threshold(value: VoteThreshold): string {
  switch (value.type) {
    case VoteThresholdType.YesVotePercentage:
      return `${value.value}% yes`;
    case VoteThresholdType.QuorumPercentage:
      return `${value.value}% quorum`;
    case VoteThresholdType.Disabled:
      return 'disabled';
    default:
      return `unknown threshold type ${String(value.type)}`;
  }
}

export function summarizeGovernanceConfig(config: GovernanceConfig): GovernanceConfigSummary {
  return {
    communityVoteThreshold: threshold(config.communityVoteThreshold),
    councilVoteThreshold: threshold(config.councilVoteThreshold),
    councilVetoVoteThreshold: threshold(config.councilVetoVoteThreshold),
    communityVetoVoteThreshold: threshold(config.communityVetoVoteThreshold),
    baseVotingTimeSeconds: config.baseVotingTime,
    minInstructionHoldUpTimeSeconds: config.minInstructionHoldUpTime,
    votingCoolOffTimeSeconds: config.votingCoolOffTime,
    minCommunityTokensToCreateProposal: u64(config.minCommunityTokensToCreateProposal),
    minCouncilTokensToCreateProposal: u64(config.minCouncilTokensToCreateProposal),
    depositExemptProposalCount: config.depositExemptProposalCount,
  };
}

function parse<T>(classType: new (...args: never[]) => T, data: Uint8Array): T {
  return deserializeBorsh(getGovernanceInstructionSchema(GOVERNANCE_PROGRAM_VERSION), classType, Buffer.from(data)) as T;
}

export function decodeSplGovernance(instruction: TransactionInstruction, index: number): DecodedInstruction {
  const tag = instruction.data[0];
  if (tag === undefined) return undecodable(instruction, index, 'spl-governance', 'empty instruction data');
  const name = GovernanceInstruction[tag];
  if (name === undefined) return undecodable(instruction, index, 'spl-governance', `unknown governance instruction ${tag}`);
  try {
    switch (tag as GovernanceInstruction) {
      case GovernanceInstruction.SetGovernanceConfig: {
        const args = parse(SetGovernanceConfigArgs, instruction.data);
        const governance = key(instruction, 0, 'governance');
        const config = summarizeGovernanceConfig(args.config);
        return decoded(
          instruction,
          index,
          'spl-governance',
          `CHANGE governance ${short(governance)} config: community threshold ${config.communityVoteThreshold}, council ${config.councilVoteThreshold}, voting time ${config.baseVotingTimeSeconds}s, hold-up ${config.minInstructionHoldUpTimeSeconds}s`,
          { kind: 'governance-set-governance-config', governance, config },
        );
      }
      case GovernanceInstruction.SetRealmAuthority: {
        const args = parse(SetRealmAuthorityArgs, instruction.data);
        const realm = key(instruction, 0, 'realm');
        const authority = key(instruction, 1, 'realm authority');
        const action = args.action === undefined ? 'SetUnchecked' : (SetRealmAuthorityAction[args.action] ?? `action ${args.action}`);
        const newAuthority =
          action === 'Remove' ? null : (args.newRealmAuthority?.toBase58() ?? instruction.keys[2]?.pubkey.toBase58() ?? null);
        return decoded(
          instruction,
          index,
          'spl-governance',
          `CHANGE the authority of realm ${short(realm)} to ${newAuthority === null ? 'NONE' : short(newAuthority)} (${action})`,
          { kind: 'governance-set-realm-authority', realm, authority, newAuthority, action },
        );
      }
      case GovernanceInstruction.SetRealmConfig: {
        const args = parse(SetRealmConfigArgs, instruction.data);
        const realm = key(instruction, 0, 'realm');
        const authority = key(instruction, 1, 'realm authority');
        const config = args.configArgs;
        const changes: Record<string, string> = {
          councilMint: config.useCouncilMint ? (instruction.keys[2]?.pubkey.toBase58() ?? 'named but missing') : 'removed',
          communityMintMaxVoteWeightSource: `${config.communityMintMaxVoteWeightSource.type === 0 ? 'supply fraction' : 'absolute'} ${u64(config.communityMintMaxVoteWeightSource.value)}`,
          minCommunityTokensToCreateGovernance: u64(config.minCommunityTokensToCreateGovernance),
          communityVoterWeightAddin: String(
            Boolean(config.communityTokenConfigArgs?.useVoterWeightAddin ?? config.useCommunityVoterWeightAddin),
          ),
          communityMaxVoterWeightAddin: String(
            Boolean(config.communityTokenConfigArgs?.useMaxVoterWeightAddin ?? config.useMaxCommunityVoterWeightAddin),
          ),
          councilVoterWeightAddin: String(Boolean(config.councilTokenConfigArgs?.useVoterWeightAddin)),
        };
        return decoded(
          instruction,
          index,
          'spl-governance',
          `CHANGE the config of realm ${short(realm)}: council mint ${changes.councilMint === 'removed' ? 'removed' : short(changes.councilMint ?? null)}, voter-weight plugin ${changes.communityVoterWeightAddin}`,
          { kind: 'governance-set-realm-config', realm, authority, changes },
        );
      }
      default:
        return decoded(instruction, index, 'spl-governance', `governance ${name}`, { kind: 'governance-other', name });
    }
  } catch (error) {
    return undecodable(instruction, index, 'spl-governance', `${name}: ${errorText(error)}`);
  }
}
