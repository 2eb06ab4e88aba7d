// steward/langchain — Steward as the fence for any LangChain agent. The tools ask; Steward's
// policy and the chain decide. See docs/LANGCHAIN.md.
export { openStewardTools, type OpenStewardToolsOptions, type StewardToolkit } from './open-steward-tools.js';
export {
  ToolSession,
  stewardTools,
  proposalResult,
  runToolAgent,
  ScriptedToolModel,
  STEWARD_TOOL_NAMES,
  type ToolSessionParams,
  type TreasuryObservation,
  type ProposalResult,
  type StewardToolName,
  type ToolAgentLimits,
  type ToolAgentResult,
  type ToolScript,
  type ToolScriptStep,
  type ToolScriptTurn,
} from '../agent/tools/index.js';
export { LocalChatModel, RemoteChatModel, createChatModel, ensureTestModel } from '../llm/index.js';
