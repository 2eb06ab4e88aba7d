// The llm domain: chat models (local llama.cpp, OpenAI-compatible endpoints), structured
// decisions, prompts, model files and the generated test model.
export type { StewardChatModel, StewardModelExtras, StructuredRequest, Completion, GenerationUsage, ModelIdentity } from './chat-model.js';
export {
  createChatModel,
  chooseModel,
  type ModelChoice,
  type ModelConfigInput,
  type ModelSettings,
  type CreateChatModelOptions,
} from './create-chat-model.js';
export { LocalChatModel, type LocalChatModelOptions, type LocalCompleteOptions } from './local-chat-model.js';
export { RemoteChatModel, remoteError, type RemoteChatModelOptions, type StructuredMode } from './remote-chat-model.js';
export {
  toolSpecs,
  toolAnswerSchema,
  toolInstructions,
  parseToolAnswer,
  MAX_TOOL_CALLS_PER_ANSWER,
  type ToolSpec,
  type ParsedToolCall,
} from './tool-calls.js';
export { decide, checkAnswer, feedbackMessage, type DecideParams, type Decision, type InvalidAttempt } from './decide.js';
export {
  buildPrompt,
  fenceUntrusted,
  neutralizeUntrusted,
  capText,
  UNTRUSTED_DATA_RULE,
  FENCE_OPEN,
  FENCE_CLOSE,
  DEFAULT_UNTRUSTED_MAX_CHARS,
  type PromptParts,
  type UntrustedText,
  type BuiltPrompt,
} from './prompt.js';
export { zodToJsonSchema, toGbnfJsonSchema, type JsonSchema } from './json-schema.js';
export { boundedJsonGbnf, boundedJsonGrammar } from './bounded-grammar.js';
export {
  acquireModel,
  getSharedLlama,
  chooseThreads,
  chooseFlashAttention,
  loadedModels,
  type FlashAttentionSetting,
  type LoadedModel,
  type ModelLease,
  type LoadOptions,
} from './llama-runtime.js';
export { SequencePool } from './sequence-pool.js';
export { assertLoadableModelFile, missingRequiredKeys, readModelHeader } from './model-file-check.js';
export { parseModelSource, resolveModelPath, type ModelSource, type ResolveModelOptions } from './model-source.js';
export { fileSha256 } from './model-identity.js';
export { ensureTestModel, writeTestModel, defaultTestModelDir, type EnsureTestModelOptions } from './test-model.js';
export { buildTinyLlama, writeTinyLlama, TEST_MODEL_NAME, TEST_MODEL_CHAT_TEMPLATE, type TinyLlamaOptions } from './gguf/tiny-llama.js';
export {
  encodeGguf,
  streamGguf,
  writeGguf,
  writeGgufFile,
  type GgufValue,
  type GgufTensor,
  type GgufTensorSource,
  type GgufTensorType,
} from './gguf/gguf-writer.js';
export { startModelServer, type ModelServer, type ModelServerOptions } from './model-server.js';
