// Child process of bench/memory.ts: loads llama.cpp, notes its resident memory, then opens the
// model for N agents (each its own chat-model handle, as createRuntime does per agent) and has
// every agent answer once, and notes resident memory again. Prints one JSON line.
//   node --import tsx bench/memory-child.ts FILE [FILE...]   (one agent per FILE argument)
import { getSharedLlama, LocalChatModel } from '../src/llm/index.js';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { rssMiB } from './lib.js';

const paths = process.argv.slice(2);
await getSharedLlama();
const baseline = rssMiB();
const agents = await Promise.all(paths.map((path) => LocalChatModel.open({ path, maxTokens: 8 })));
await Promise.all(
  agents.map((agent, i) =>
    agent.complete([new SystemMessage('You are a treasury agent.'), new HumanMessage(`Agent ${i}: anything to do?`)], { seed: i }),
  ),
);
const loaded = rssMiB();
const distinctModels = new Set(agents.map((agent) => agent.runtime.model)).size;
const contexts = new Set(agents.map((agent) => agent.runtime.context)).size;
const contextSize = agents[0]?.runtime.context.contextSize ?? 0;
const sequences = agents[0]?.runtime.pool.size ?? 0;
for (const agent of agents) await agent.close();
console.log(JSON.stringify({ baseline, loaded, agents: agents.length, distinctModels, contexts, contextSize, sequences }));
process.exit(0);
