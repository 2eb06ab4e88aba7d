// The demo DAO: its fixed addresses, the seed that writes it into an embedded chain, and the
// oracle that keeps its prices fresh.
export {
  DEMO,
  DEMO_MINTS,
  DEMO_REALM_NAME,
  DEMO_PROPOSAL_KEYS,
  GOVERNANCE_PROGRAM_ID,
  PYTH_PROGRAM_ID,
  SOL_PRICE,
  demoKeypair,
  proposalTransactionAddress,
  type DemoMember,
  type DemoMint,
  type DemoProposalKey,
  type DemoSymbol,
} from './addresses.js';
export { seedDemoDao, DEMO_SOL_BALANCES, type DemoDao, type SeedDemoOptions } from './seed.js';
export {
  DEMO_TREASURY_BALANCES,
  DEMO_AGENT_ALLOWANCES,
  DEMO_GRANTEE_USDC,
  DEMO_PYUSD_TRANSFER_FEE,
  type SeededTokens,
  type SeededTokenAccount,
} from './seed/tokens.js';
export { DEMO_PRICE_FEEDS, DEMO_PRICE_EXPONENT, DEMO_FEED_SYMBOLS, type DemoFeedSymbol, type DemoPriceFeed } from './seed/pyth.js';
export { refreshDemoPrices, startDemoOracle, type DemoOracle, type DemoOracleOptions } from './oracle.js';
export { DEMO_PROPOSALS, INJECTION_ENDS_IN_SECONDS, type DemoProposal } from './seed/proposals.js';
export {
  DEMO_MEMBER_TOKENS,
  DEMO_VOTE_DELEGATION,
  type SeededGovernance,
  type SeededProposal,
  type GovernanceSeedMode,
} from './seed/governance.js';
export { describeGovernanceMode } from './governance-mode.js';
export { describeSquadsMode } from './squads-mode.js';
export {
  DEMO_GOVERNANCE_RULES,
  DEMO_VOTING_COOL_OFF_SECONDS,
  demoGovernanceConfig,
  type DemoGovernanceRules,
} from './seed/governance-config.js';
export { DEMO_STAKE_LAMPORTS, DEMO_VALIDATOR_COMMISSION, type SeededStake } from './seed/stake.js';
export { startDemoChain, type DemoChain } from './demo-chain.js';
export { DEMO_SQUADS, DEMO_SQUADS_ADDRESSES, type SeededSquads } from './seed/squads.js';
