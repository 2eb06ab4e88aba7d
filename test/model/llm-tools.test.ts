// Tool calling on the generated random-weights model through LangChain's bindTools: whatever the
// weights produce, the grammar only lets them call a bound tool with arguments of its shape, or
// give a final answer when tool_choice allows one. A LangChain agent loop runs on it end to end.
import { HumanMessage, SystemMessage, ToolMessage, type AIMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { createAgent } from 'langchain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { actionShapes } from '../../src/agent/decision-schema.js';
import { ensureTestModel, LocalChatModel, parseToolAnswer } from '../../src/llm/index.js';
import { tempDir } from '../helpers/tmp.js';

const shapes = actionShapes(['USDC', 'SOL']);
const schemas = {
  observe_treasury: z.strictObject({}),
  propose_transfer: z.strictObject(shapes.transfer),
  propose_vote: z.strictObject(shapes.vote),
};
const called: { name: string; args: unknown }[] = [];
const tools = Object.entries(schemas).map(([name, schema]) =>
  tool(
    async (args: unknown) => {
      called.push({ name, args });
      return JSON.stringify({ verdict: 'deny', outcome: 'denied' });
    },
    { name, description: `the ${name} tool`, schema },
  ),
);

let model: LocalChatModel;

beforeAll(async () => {
  const path = await ensureTestModel({ dir: tempDir('steward-llm-tools-'), seed: 11 });
  model = await LocalChatModel.open({ path, sequences: 2, maxTokens: 256, temperature: 1 });
});
afterAll(async () => {
  await model.close();
});

function callsOf(message: AIMessage) {
  return message.tool_calls ?? [];
}

describe('LocalChatModel.bindTools on the generated GGUF', () => {
  it('every answer over 12 seeds is a call of a bound tool with arguments of its schema, or a final answer', async () => {
    let calls = 0;
    let answers = 0;
    for (let seed = 0; seed < 12; seed++) {
      const bound = model.bindTools(tools);
      const message = (await bound.invoke([new SystemMessage('You manage a treasury.'), new HumanMessage('Act.')], {
        seed,
      } as never)) as AIMessage;
      if (callsOf(message).length === 0 && (message.invalid_tool_calls ?? []).length === 0) {
        answers += 1;
        continue;
      }
      // Cut off by maxTokens is the only other way out: then no call is made at all.
      if ((message.invalid_tool_calls ?? []).length > 0) {
        expect(callsOf(message)).toHaveLength(0);
        expect(message.response_metadata.finish_reason).toBe('length');
        continue;
      }
      expect(parseToolAnswer(message.text)?.toolCalls.map((call) => call.name)).toEqual(callsOf(message).map((call) => call.name));
      for (const call of callsOf(message)) {
        calls += 1;
        expect(Object.keys(schemas)).toContain(call.name);
        expect(call.id).toMatch(/^call_/);
        const parsed = schemas[call.name as keyof typeof schemas].safeParse(call.args);
        expect(parsed.success, `${call.name} ${JSON.stringify(call.args)}: ${parsed.error?.message}`).toBe(true);
      }
    }
    expect(calls + answers).toBeGreaterThan(0);
    console.log(`bindTools on the random model: ${calls} tool calls and ${answers} final answers over 12 seeds`);
  });

  it('tool_choice narrows what the grammar allows: one named tool, any tool (no answer), none (answer only)', async () => {
    for (let seed = 0; seed < 3; seed++) {
      const named = (await model
        .bindTools(tools, { tool_choice: 'propose_vote' })
        .invoke([new HumanMessage('vote')], { seed } as never)) as AIMessage;
      for (const call of callsOf(named)) expect(call.name).toBe('propose_vote');
      if ((named.invalid_tool_calls ?? []).length === 0) expect(callsOf(named).length).toBeGreaterThan(0);
      const any = (await model.bindTools(tools, { tool_choice: 'any' }).invoke([new HumanMessage('act')], { seed } as never)) as AIMessage;
      if ((any.invalid_tool_calls ?? []).length === 0) expect(callsOf(any).length).toBeGreaterThan(0);
      const none = (await model
        .bindTools(tools, { tool_choice: 'none' })
        .invoke([new HumanMessage('talk')], { seed } as never)) as AIMessage;
      expect(callsOf(none)).toHaveLength(0);
    }
    expect(() => model.bindTools(tools, { tool_choice: 'sign_anything' })).toThrow(/sign_anything.*not a bound tool/);
  });

  it('a createAgent loop runs on it: tool results go back into the conversation and the loop ends', async () => {
    called.length = 0;
    const agent = createAgent({ model, tools, systemPrompt: 'You manage a treasury.' });
    const state = await agent
      .invoke({ messages: [{ role: 'user', content: 'Pay 5 USDC.' }] }, { recursionLimit: 12 })
      .catch((error: Error) => {
        // A random model may keep calling tools until the recursion limit: that is the bound working.
        expect(error.message).toMatch(/Recursion limit/);
        return null;
      });
    const results = state ? state.messages.filter((m) => ToolMessage.isInstance(m)) : [];
    for (const result of results) expect(Object.keys(schemas)).toContain(result.name);
    for (const call of called) expect(schemas[call.name as keyof typeof schemas].safeParse(call.args).success).toBe(true);
  });
});
