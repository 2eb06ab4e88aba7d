// Steward's treasury as LangChain tools, and the tool-calling decision loop (decision: tool-agent).
export { ToolSession, type ToolSessionParams, type TreasuryObservation } from './tool-session.js';
export { stewardTools, proposalResult, STEWARD_TOOL_NAMES, type StewardToolName, type ProposalResult } from './steward-tools.js';
export { runToolAgent, hasBindTools, type ToolAgentParams, type ToolAgentResult, type ToolAgentLimits } from './tool-agent.js';
export {
  decideWithTools,
  toolAgentSystemPrompt,
  toolAgentTask,
  type DecideWithToolsParams,
  type ToolDecision,
} from './decide-with-tools.js';
export { ScriptedToolModel, type ToolScript, type ToolScriptStep, type ToolScriptTurn } from './scripted-tool-model.js';
