// The typed, human-readable form of one instruction of a proposal. The instructions are the
// truth of a proposal (its title and description are claims); every kind here says exactly
// who pays whom, which authority moves where, and what program runs. Decoding never throws:
// data a known program would reject becomes `undecodable`, an unknown program `unknown-program`.

export type ProgramName =
  | 'system'
  | 'spl-token'
  | 'token-2022'
  | 'associated-token'
  | 'bpf-upgradeable-loader'
  | 'stake'
  | 'spl-governance'
  | 'memo'
  | 'compute-budget'
  | 'unknown';

/** An amount with everything needed to show it and to value it. */
export interface Amount {
  /** Base units (lamports or token base units). */
  raw: bigint;
  /** null for SOL (lamports) and for token amounts whose mint is not known. */
  mint: string | null;
  symbol: string | null;
  decimals: number | null;
  /** e.g. "5,000 USDC", or "5000000 base units of <mint>" when the token is not in the table (src/shared/money). */
  display: string;
  /** Value in micro-USD; null when the token or its price is unknown. */
  usdMicros: bigint | null;
}

export interface InstructionBase {
  /** Position in the proposal's flattened instruction list (0-based). */
  index: number;
  programId: string;
  program: ProgramName;
  /** One line for a human: what this instruction does. */
  summary: string;
}

export type DecodedKind =
  | { kind: 'sol-transfer'; from: string; to: string; amount: Amount }
  | { kind: 'create-account'; from: string; newAccount: string; amount: Amount; space: number; owner: string }
  | { kind: 'assign'; account: string; owner: string }
  | { kind: 'system-other'; name: string }
  | { kind: 'token-transfer'; source: string; destination: string; authority: string; amount: Amount; checked: boolean }
  | { kind: 'token-approve'; account: string; delegate: string; owner: string; amount: Amount; checked: boolean }
  | { kind: 'token-revoke'; account: string; owner: string }
  | {
      kind: 'token-set-authority';
      account: string;
      authorityType: string;
      currentAuthority: string;
      newAuthority: string | null;
    }
  | { kind: 'token-close-account'; account: string; destination: string; authority: string }
  | { kind: 'token-mint-to'; mint: string; destination: string; authority: string; amount: Amount; checked: boolean }
  | { kind: 'token-burn'; account: string; mint: string; authority: string; amount: Amount; checked: boolean }
  | { kind: 'token-other'; name: string }
  | { kind: 'ata-create'; payer: string; account: string; owner: string; mint: string; idempotent: boolean }
  | { kind: 'ata-other'; name: string }
  | { kind: 'program-upgrade'; upgradedProgram: string; programData: string; buffer: string; spill: string; authority: string }
  | {
      kind: 'program-set-authority';
      /** The ProgramData (or buffer) account the loader changes. */
      account: string;
      currentAuthority: string;
      newAuthority: string | null;
      checked: boolean;
      /** The program whose ProgramData `account` is, when the review could resolve it. */
      upgradedProgram?: string;
    }
  | { kind: 'program-close'; account: string; recipient: string; authority: string | null; closedProgram: string | null }
  | { kind: 'loader-other'; name: string }
  | { kind: 'stake-delegate'; stakeAccount: string; voteAccount: string; authority: string }
  | { kind: 'stake-deactivate'; stakeAccount: string; authority: string }
  | { kind: 'stake-withdraw'; stakeAccount: string; to: string; authority: string; amount: Amount }
  | { kind: 'stake-authorize'; stakeAccount: string; authority: string; newAuthority: string; role: 'staker' | 'withdrawer' }
  | { kind: 'stake-other'; name: string }
  | { kind: 'governance-set-governance-config'; governance: string; config: GovernanceConfigSummary }
  | { kind: 'governance-set-realm-config'; realm: string; authority: string; changes: Record<string, string> }
  | { kind: 'governance-set-realm-authority'; realm: string; authority: string; newAuthority: string | null; action: string }
  | { kind: 'governance-other'; name: string }
  | { kind: 'memo'; text: string }
  | { kind: 'compute-budget'; name: string; value: string }
  | { kind: 'unknown-program'; dataLength: number; accounts: number }
  | { kind: 'undecodable'; reason: string };

export type DecodedInstruction = InstructionBase & DecodedKind;
export type DecodedInstructionKind = DecodedKind['kind'];

/** The fields of a governance config an operator cares about, as display strings. */
export interface GovernanceConfigSummary {
  communityVoteThreshold: string;
  councilVoteThreshold: string;
  councilVetoVoteThreshold: string;
  communityVetoVoteThreshold: string;
  baseVotingTimeSeconds: number;
  minInstructionHoldUpTimeSeconds: number;
  votingCoolOffTimeSeconds: number;
  minCommunityTokensToCreateProposal: string;
  minCouncilTokensToCreateProposal: string;
  depositExemptProposalCount: number;
}
