// The governance domain: read a realm's proposals, decode what their instructions do, flag
// risks deterministically, simulate them, review them (with or without a model), prepare votes.
export {
  indexTreasury,
  EMPTY_TREASURY,
  type TreasuryContext,
  type TreasuryIndex,
  type ReviewToken,
  type ReviewTokenAccount,
} from './treasury-context.js';
export { treasuryContextFromView } from './treasury-from-view.js';
export {
  decodeInstruction,
  decodeInstructions,
  DEFAULT_GOVERNANCE_PROGRAM_ID,
  type DecodeOptions,
  type DecodedInstruction,
  type DecodedInstructionKind,
  type Amount,
  type ProgramName,
} from './decode/index.js';
export { assessRisks, type RiskInput, type RiskAssessment } from './risk/assess-risks.js';
export { DEFAULT_RISK_THRESHOLDS, maxSeverity, type RiskFlag, type RiskThresholds, type Severity } from './risk/types.js';
export {
  scanInjection,
  asksToMoveFunds,
  INJECTION_THRESHOLD,
  INJECTION_WARN_SCORE,
  type InjectionScan,
  type InjectionSignal,
  type InjectionSignalId,
} from './risk/injection.js';
export {
  getProposals,
  DEFAULT_PROPOSAL_STATES,
  type GetProposalsParams,
  type ProposalView,
  type ProposalsSnapshot,
  type ProposalTransactionView,
  type GovernanceView,
  type RealmView,
  type GoverningTokenView,
  type GoverningTokenKind,
  type MemberPower,
} from './read/get-proposals.js';
export { describeRealmVoters } from './review/render-realm.js';
export { simulateProposal, type SimulateProposalParams, type SimulationReport, type AccountChange } from './simulate/simulate-proposal.js';
export { reviewProposal, modelLabelOf, type ReviewProposalParams } from './review/review-proposal.js';
export {
  assessRecipients,
  lookAlike,
  alignAddresses,
  type KnownDestination,
  type Recipient,
  type RecipientMatch,
  type DestinationSource,
} from './risk/recipients.js';
export {
  modelTextView,
  textExcerpt,
  MODEL_TEXT_LIMITS,
  REPORT_EXCERPT_CHARS,
  type Truncation,
  type TextExcerpt,
} from './review/model-view.js';
export { getProgramsByProgramData, upgradeAuthorityTargets } from './read/programs-by-program-data.js';
export { reviewRealm, type ReviewRealmParams, type ReviewRealmResult, type ReviewOutcome } from './review/review-realm.js';
export { renderReviewMarkdown } from './review/render-markdown.js';
export { buildReviewPrompt, REVIEW_SYSTEM_PROMPT } from './review/review-prompt.js';
export { findStoredReview, latestStoredReview, listLatestReviews, saveReview, type StoredReview } from './review/review-store.js';
export {
  modelReviewSchema,
  reviewToJson,
  reviewForJson,
  modelClaim,
  moreCautious,
  recommendations,
  type ProposalReview,
  type ModelReview,
  type ModelPart,
  type ModelLabel,
  type Recommendation,
  type ReviewJsonOptions,
} from './review/review-types.js';
export {
  buildCastVoteInstruction,
  prepareVote,
  voteChoices,
  type CastVoteParams,
  type CastVoteInstruction,
  type PreparedVote,
  type VoteChoiceName,
} from './vote/build-cast-vote.js';
