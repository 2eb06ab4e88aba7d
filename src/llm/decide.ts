// Structured decisions: the model answers with JSON for a zod schema, constrained where the
// backend allows it (llama.cpp grammar, response_format json_schema, a forced tool call), then
// parsed and validated here. A failed answer goes back to the model with every problem listed
// path by path, a bounded number of times; after that the decision fails with the raw output
// kept. Nothing is ever repaired silently: this output can end up moving money.
import { AIMessage, HumanMessage, type BaseMessage } from '@langchain/core/messages';
import type { z } from 'zod';
import { StewardError } from '../errors/index.js';
import type { GenerationUsage, StewardModelExtras } from './chat-model.js';
import { zodToJsonSchema } from './json-schema.js';
import type { BuiltPrompt } from './prompt.js';

export interface DecideParams<Schema extends z.ZodType> {
  model: Pick<StewardModelExtras, 'generateStructured'>;
  schema: Schema;
  /** A prompt from buildPrompt(), or messages. */
  prompt: BuiltPrompt | readonly BaseMessage[];
  /** Name of the schema for remote endpoints (letters, digits, _ and -). */
  schemaName?: string;
  /** Total tries, first one included (default 3). */
  maxAttempts?: number;
  maxTokens?: number;
  signal?: AbortSignal;
}

export interface Decision<T> {
  value: T;
  /** The raw text of the answer that validated. */
  raw: string;
  attempts: number;
  /** Summed over all attempts. */
  usage: GenerationUsage;
}

export interface InvalidAttempt {
  raw: string;
  problems: string[];
}

/** `$.actions[0].amount` style paths for zod issue paths. */
function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}.${String(key)}`), '$');
}

/** What is wrong with `raw` against `schema`, path by path; empty when it is valid. */
export function checkAnswer<Schema extends z.ZodType>(
  schema: Schema,
  raw: string,
): { ok: true; value: z.output<Schema> } | { ok: false; problems: string[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    const reason = raw.trim() === '' ? 'the answer was empty' : `the answer is not valid JSON (${(error as Error).message})`;
    return { ok: false, problems: [`$: ${reason}; it may have been cut off by the token limit`] };
  }
  const result = schema.safeParse(parsed);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, problems: result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`) };
}

function addUsage(total: GenerationUsage, next: GenerationUsage): GenerationUsage {
  const sum = (a: number | undefined, b: number | undefined): number | undefined =>
    a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0);
  const cached = sum(total.cachedPromptTokens, next.cachedPromptTokens);
  const prefill = sum(total.prefillMs, next.prefillMs);
  const decode = sum(total.decodeMs, next.decodeMs);
  return {
    promptTokens: total.promptTokens + next.promptTokens,
    completionTokens: total.completionTokens + next.completionTokens,
    ...(cached === undefined ? {} : { cachedPromptTokens: cached }),
    ...(prefill === undefined ? {} : { prefillMs: prefill }),
    ...(decode === undefined ? {} : { decodeMs: decode }),
  };
}

/** The feedback turn after an invalid answer. */
export function feedbackMessage(problems: readonly string[]): string {
  return [
    'Your previous answer did not match the required JSON schema:',
    ...problems.map((problem) => `- ${problem}`),
    'Answer again with one JSON object that matches the schema exactly. Do not add any other text.',
  ].join('\n');
}

/** Asks `model` for a value of `schema`, validating and retrying with feedback. */
export async function decide<Schema extends z.ZodType>(params: DecideParams<Schema>): Promise<Decision<z.output<Schema>>> {
  const maxAttempts = params.maxAttempts ?? 3;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 10) {
    throw new StewardError('ARGUMENT_INVALID', `maxAttempts must be an integer from 1 to 10, got ${maxAttempts}`, { hint: 'Use 2 or 3.' });
  }
  const jsonSchema = zodToJsonSchema(params.schema);
  const schemaName = params.schemaName ?? 'decision';
  const messages: BaseMessage[] = [...('messages' in params.prompt ? params.prompt.messages : params.prompt)];
  const invalid: InvalidAttempt[] = [];
  let usage: GenerationUsage = { promptTokens: 0, completionTokens: 0 };
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const completion = await params.model.generateStructured({
      messages,
      jsonSchema,
      schemaName,
      ...(params.maxTokens === undefined ? {} : { maxTokens: params.maxTokens }),
      ...(params.signal ? { signal: params.signal } : {}),
    });
    usage = addUsage(usage, completion.usage);
    const checked = checkAnswer(params.schema, completion.text);
    if (checked.ok) return { value: checked.value, raw: completion.text, attempts: attempt, usage };
    invalid.push({ raw: completion.text, problems: checked.problems });
    messages.push(new AIMessage(completion.text), new HumanMessage(feedbackMessage(checked.problems)));
  }
  const last = invalid[invalid.length - 1];
  throw new StewardError('LLM_OUTPUT_INVALID', `the model gave no valid ${schemaName} in ${maxAttempts} attempt(s)`, {
    context: { schemaName, attempts: maxAttempts, raw: last?.raw ?? '', invalid, usage },
    details: last?.problems ?? [],
    hint: 'Nothing was executed. Use a stronger model, raise model.maxTokens if answers were cut off, or simplify the instructions.',
  });
}
