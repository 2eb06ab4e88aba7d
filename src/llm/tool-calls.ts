// Tool calling for models that have no native tool-call format (the local llama.cpp backend):
// the tools bound with LangChain's bindTools become (1) a section of the system prompt that
// names each tool with its description and argument schema, and (2) a JSON Schema the answer
// is constrained to by grammar — either {"tool_calls":[{"name": <a bound tool>, "arguments":
// <that tool's schema>}, ...]} or {"answer": "<text>"}. So a local model can only call tools
// that were bound, with arguments of the right shape; the tools still validate their input,
// since a grammar cannot express every constraint (lengths of addresses, decimal patterns).
import type { BindToolsInput, ToolChoice } from '@langchain/core/language_models/chat_models';
import { convertToOpenAITool } from '@langchain/core/utils/function_calling';
import { StewardError } from '../errors/index.js';
import type { JsonSchema } from './json-schema.js';

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the tool's arguments. */
  parameters: JsonSchema;
}

export interface ParsedToolCall {
  name: string;
  args: Record<string, unknown>;
}

/** At most this many tool calls in one answer (the grammar's maxItems). */
export const MAX_TOOL_CALLS_PER_ANSWER = 4;

/** The bound tools (LangChain tools, OpenAI tool definitions, zod-described tools) as name, description and JSON Schema. */
export function toolSpecs(tools: readonly BindToolsInput[]): ToolSpec[] {
  const specs = tools.map((tool): ToolSpec => {
    const { function: fn } = convertToOpenAITool(tool as Parameters<typeof convertToOpenAITool>[0]);
    const parameters = { ...(fn.parameters as JsonSchema) };
    delete parameters.$schema;
    return { name: fn.name, description: fn.description ?? '', parameters };
  });
  const names = new Set<string>();
  for (const spec of specs) {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(spec.name)) {
      throw new StewardError('ARGUMENT_INVALID', `the tool name "${spec.name.slice(0, 80)}" is not 1-64 letters, digits, _ or -`, {
        hint: 'rename the tool',
      });
    }
    if (names.has(spec.name))
      throw new StewardError('ARGUMENT_INVALID', `two bound tools are named "${spec.name}"`, { hint: 'give each tool its own name' });
    names.add(spec.name);
  }
  return specs;
}

/** Which answers `choice` permits: tool calls (restricted to one tool, or any) and/or a text answer. */
function allowed(specs: readonly ToolSpec[], choice: ToolChoice | undefined): { tools: ToolSpec[]; answer: boolean } {
  if (choice === undefined || choice === 'auto') return { tools: [...specs], answer: true };
  if (choice === 'none') return { tools: [], answer: true };
  if (choice === 'any' || choice === 'required') return { tools: [...specs], answer: specs.length === 0 };
  const name =
    typeof choice === 'string'
      ? choice
      : ((choice as { function?: { name?: unknown }; name?: unknown }).function?.name ?? (choice as { name?: unknown }).name);
  const chosen = specs.filter((spec) => spec.name === name);
  if (chosen.length === 0) {
    throw new StewardError('ARGUMENT_INVALID', `tool_choice names "${String(name).slice(0, 80)}", which is not a bound tool`, {
      hint: `bound tools: ${specs.map((s) => s.name).join(', ') || 'none'}`,
    });
  }
  return { tools: chosen, answer: false };
}

/** The JSON Schema an answer must match when `specs` are bound under `choice`. */
export function toolAnswerSchema(specs: readonly ToolSpec[], choice?: ToolChoice): JsonSchema {
  const permitted = allowed(specs, choice);
  const forms: JsonSchema[] = [];
  if (permitted.tools.length > 0) {
    const call = (spec: ToolSpec): JsonSchema => ({
      type: 'object',
      properties: { name: { const: spec.name }, arguments: spec.parameters },
      required: ['name', 'arguments'],
      additionalProperties: false,
    });
    forms.push({
      type: 'object',
      properties: {
        tool_calls: {
          type: 'array',
          items: permitted.tools.length === 1 ? call(permitted.tools[0]!) : { anyOf: permitted.tools.map(call) },
          minItems: 1,
          maxItems: MAX_TOOL_CALLS_PER_ANSWER,
        },
      },
      required: ['tool_calls'],
      additionalProperties: false,
    });
  }
  if (permitted.answer) {
    forms.push({
      type: 'object',
      properties: { answer: { type: 'string', maxLength: 4_000 } },
      required: ['answer'],
      additionalProperties: false,
    });
  }
  return forms.length === 1 ? forms[0]! : { anyOf: forms };
}

/** `name: type` for each argument, `?` marking optional ones, enums listed: short enough for small context windows. */
function describeArguments(parameters: JsonSchema): string {
  const properties = (parameters.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set(Array.isArray(parameters.required) ? (parameters.required as string[]) : []);
  return Object.entries(properties)
    .map(([key, schema]) => {
      const type = Array.isArray(schema.enum)
        ? (schema.enum as unknown[]).map((value) => JSON.stringify(value)).join('|')
        : typeof schema.type === 'string'
          ? schema.type
          : 'value';
      return `${key}${required.has(key) ? '' : '?'}: ${type}`;
    })
    .join(', ');
}

/** The system-prompt section that tells the model which tools it has and how to call them. */
export function toolInstructions(specs: readonly ToolSpec[], choice?: ToolChoice): string {
  const permitted = allowed(specs, choice);
  const lines = ['Tools you can call:'];
  for (const spec of permitted.tools) lines.push(`- ${spec.name}(${describeArguments(spec.parameters)}): ${spec.description}`);
  lines.push(
    `To call tools, answer with JSON only: {"tool_calls":[{"name":"<tool>","arguments":{...}}]} (at most ${MAX_TOOL_CALLS_PER_ANSWER} calls). Each result comes back in the next message.`,
  );
  if (permitted.answer) lines.push('When you are done, answer with JSON only: {"answer":"<your final answer>"}.');
  return lines.join('\n');
}

/** The tool calls or the final answer in a constrained answer; null when it is not one (cut off by the token limit). */
export function parseToolAnswer(text: string): { toolCalls: ParsedToolCall[]; answer: string | null } | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
  const record = parsed as { tool_calls?: unknown; answer?: unknown };
  if (typeof record.answer === 'string') return { toolCalls: [], answer: record.answer };
  if (!Array.isArray(record.tool_calls)) return null;
  const toolCalls: ParsedToolCall[] = [];
  for (const call of record.tool_calls) {
    const { name, arguments: args } = (call ?? {}) as { name?: unknown; arguments?: unknown };
    if (typeof name !== 'string' || !args || typeof args !== 'object' || Array.isArray(args)) return null;
    toolCalls.push({ name, args: args as Record<string, unknown> });
  }
  return { toolCalls, answer: null };
}
