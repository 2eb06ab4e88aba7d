// What every Steward chat model is: a LangChain BaseChatModel (so chains, tools and callbacks
// work the same for local and remote models) plus the few things Steward itself needs — a
// schema-constrained completion with token usage, an identity for run records, and close().
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { BaseMessage } from '@langchain/core/messages';
import type { JsonSchema } from './json-schema.js';

export interface GenerationUsage {
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens not evaluated again because the sequence (or server cache) already held them. */
  cachedPromptTokens?: number;
  /** Time to the first generated token (prompt evaluation), local models only. */
  prefillMs?: number;
  /** Time from the first to the last generated token, local models only. */
  decodeMs?: number;
}

export interface StructuredRequest {
  messages: readonly BaseMessage[];
  /** JSON Schema the answer must match (grammar locally, response_format or a tool remotely). */
  jsonSchema: JsonSchema;
  /** A short identifier for the schema, e.g. "treasury_decision" (letters, digits, _ and -). */
  schemaName: string;
  maxTokens?: number;
  signal?: AbortSignal;
}

export interface Completion {
  /** The raw text the model produced, kept verbatim for the record. */
  text: string;
  usage: GenerationUsage;
  /** Why generation ended: 'length' means the token limit cut the answer off. */
  finishReason?: 'stop' | 'length' | 'abort';
}

export interface ModelIdentity {
  backend: 'local' | 'remote';
  /** Local: the model file's base name; remote: the model name at the endpoint. */
  model: string;
  /** SHA-256 of the local model file (hex). */
  sha256?: string;
  /** Local: the GGUF's general.name, when it has one (the generated test model is recognised by it). */
  name?: string;
  /** Remote: the endpoint, credentials removed. */
  endpoint?: string;
}

export interface StewardModelExtras extends AsyncDisposable {
  readonly backend: 'local' | 'remote';
  /** Answer `request.messages` with JSON text constrained by `request.jsonSchema`. Not validated here. */
  generateStructured(request: StructuredRequest): Promise<Completion>;
  /** Model name and file hash, computed once and cached. */
  modelIdentity(): Promise<ModelIdentity>;
  close(): Promise<void>;
}

export type StewardChatModel = BaseChatModel & StewardModelExtras;
