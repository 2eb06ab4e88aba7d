// A plain LangChain agent, written as any LangChain user writes one, that manages a DAO treasury
// through Steward's tools. The agent only asks: Steward's policy and the chain decide, and the
// key never reaches the model. See docs/LANGCHAIN.md.
//
//   node --no-allocation-site-pretenuring --import tsx examples/langchain-agent.ts "Pay the grantee 5,000 USDC"
//
// The model: an OpenAI-compatible endpoint when STEWARD_OPENAI_BASE_URL is set (with
// STEWARD_OPENAI_MODEL), else the local GGUF named by STEWARD_MODEL (node-llama-cpp, tool calls
// grammar-constrained; STEWARD_CONTEXT_SIZE sets its context per sequence, default up to 4,096
// tokens). The treasury: the agent named by STEWARD_EXAMPLE_AGENT (default
// treasury-guardian) of the configuration in STEWARD_CONFIG_DIR or the working directory, on
// STEWARD_RPC_URL (default: the embedded demo chain beside STEWARD_DB).
import { createAgent } from 'langchain';
import { ChatOpenAI } from '@langchain/openai';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { LocalChatModel, openStewardTools } from 'steward/langchain';

async function chooseModel(): Promise<{ model: BaseChatModel; close: () => Promise<void> }> {
  const baseURL = process.env.STEWARD_OPENAI_BASE_URL;
  if (baseURL) {
    const model = new ChatOpenAI({
      model: process.env.STEWARD_OPENAI_MODEL ?? 'default',
      apiKey: process.env.STEWARD_OPENAI_API_KEY ?? 'not-needed',
      configuration: { baseURL },
      maxTokens: 512,
    });
    return { model, close: async () => undefined };
  }
  const path = process.env.STEWARD_MODEL;
  if (!path) throw new Error('set STEWARD_OPENAI_BASE_URL (and STEWARD_OPENAI_MODEL) or STEWARD_MODEL to a GGUF file');
  const contextSize = process.env.STEWARD_CONTEXT_SIZE ? Number(process.env.STEWARD_CONTEXT_SIZE) : undefined;
  if (contextSize !== undefined && !(Number.isInteger(contextSize) && contextSize >= 256))
    throw new Error(`STEWARD_CONTEXT_SIZE must be a whole number of tokens, at least 256; got ${process.env.STEWARD_CONTEXT_SIZE}`);
  const model = await LocalChatModel.open({ path, maxTokens: 384, temperature: 0.7, ...(contextSize ? { contextSize } : {}) });
  return { model, close: () => model.close() };
}

const task = process.argv[2] ?? 'Look at the treasury and pay the grantee 5,000 USDC for this month.';
const steward = await openStewardTools({ agent: process.env.STEWARD_EXAMPLE_AGENT ?? 'treasury-guardian' });
const { model, close } = await chooseModel();
try {
  const agent = createAgent({
    model,
    tools: steward.tools,
    systemPrompt:
      'You manage a DAO treasury. Read it with the tools, then propose what the task asks. Every proposal is judged by a policy you cannot change.',
  });
  const state = await agent.invoke({ messages: [{ role: 'user', content: task }] }, { recursionLimit: 24 });
  for (const message of state.messages) {
    const calls = 'tool_calls' in message && Array.isArray(message.tool_calls) ? message.tool_calls : [];
    for (const call of calls) console.log(`→ ${call.name} ${JSON.stringify(call.args)}`);
    if (message.getType() === 'tool') console.log(`← ${message.name}: ${message.text.slice(0, 400)}`);
  }
  console.log(`run ${steward.runId}: ${steward.session.outcomes.length} action(s) proposed; see \`steward runs show ${steward.runId}\``);
} finally {
  await close();
  await steward.close();
}
