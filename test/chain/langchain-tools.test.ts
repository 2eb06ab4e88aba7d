// Steward's LangChain tools on the embedded demo chain: a plain LangChain agent (createAgent)
// driven by a scripted tool-calling model proposes an allowed, an over-limit and an off-list
// transfer; the tools answer with the verdicts as data and the chain shows only the first. An
// agent file with `decision: tool-agent` runs the same loop inside a Steward run.
import { PublicKey, type Connection } from '@solana/web3.js';
import { ToolMessage } from '@langchain/core/messages';
import { createAgent } from 'langchain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createRuntime, type OwnedRuntime } from '../../src/agent/runtime.js';
import { runAgent } from '../../src/agent/run-agent.js';
import { listDecisions } from '../../src/agent/run-store.js';
import { ScriptedToolModel, ToolSession, stewardTools, type ProposalResult } from '../../src/langchain/index.js';
import { createConnection } from '../../src/chain/index.js';
import { loadConfig, resolveSettings, type AgentConfig, type PolicyConfig } from '../../src/config/index.js';
import { DEMO, demoKeypair, startDemoChain, type DemoChain } from '../../src/demo/index.js';
import { getApproval } from '../../src/execute/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { silentLogger } from '../../src/shared/index.js';
import { tempDir } from '../helpers/tmp.js';

async function usdcOf(connection: Connection, owner: PublicKey): Promise<bigint> {
  const accounts = await connection.getParsedTokenAccountsByOwner(owner, { mint: DEMO.mints.USDC });
  return accounts.value.reduce(
    (sum, { account }) => sum + BigInt((account.data.parsed as { info: { tokenAmount: { amount: string } } }).info.tokenAmount.amount),
    0n,
  );
}

function results(messages: readonly unknown[]): ProposalResult[] {
  return messages
    .filter((m): m is ToolMessage => ToolMessage.isInstance(m) && m.name?.startsWith('propose_') === true)
    .map((m) => JSON.parse(m.text) as ProposalResult);
}

describe('steward/langchain: the policy and the chain decide, whatever the agent framework', () => {
  let demo: DemoChain;
  let store: Store;
  let runtime: OwnedRuntime;
  let connection: Connection;
  let guardian: AgentConfig;
  let policy: PolicyConfig;

  beforeAll(async () => {
    const config = loadConfig(process.cwd());
    guardian = { ...config.agents.find((entry) => entry.config.name === 'treasury-guardian')!.config, mode: 'autonomous' };
    policy = config.policies.find((entry) => entry.config.name === guardian.policy)!.config;
    demo = await startDemoChain({ oracleIntervalMs: 1_000 });
    connection = createConnection(demo.running.url, { wsUrl: demo.running.wsUrl });
    store = openStore(join(tempDir('steward-langchain-'), 'steward.db'));
    runtime = createRuntime({
      db: store.db,
      cluster: { connection, label: 'embedded (langchain test)', demo: null, close: async () => undefined },
      settings: { ...resolveSettings({}), reportsDir: tempDir('steward-langchain-reports-') },
      logger: silentLogger,
      signer: demoKeypair('agent'),
    });
  }, 60_000);

  afterAll(async () => {
    await runtime?.close();
    store?.close();
    await demo?.close();
  });

  it('createAgent calling propose_transfer: allowed → landed, over the limit → denied with the rule, off the list → denied with the rule; only the first moves tokens', async () => {
    const grantee = DEMO.grantee.toBase58();
    const stranger = DEMO.stranger.toBase58();
    const granteeBefore = await usdcOf(connection, DEMO.grantee);
    const strangerBefore = await usdcOf(connection, DEMO.stranger);
    const treasuryBefore = await usdcOf(connection, DEMO.nativeTreasury);

    const session = new ToolSession({ runtime, agent: guardian, policy, runId: null });
    const model = new ScriptedToolModel('three-transfers', [
      { toolCalls: [{ name: 'observe_treasury', args: {} }] },
      { toolCalls: [{ name: 'propose_transfer', args: { token: 'USDC', amount: '5000', to: grantee, reason: 'monthly grant' } }] },
      { toolCalls: [{ name: 'propose_transfer', args: { token: 'USDC', amount: '30000', to: grantee } }] },
      { toolCalls: [{ name: 'propose_transfer', args: { token: 'USDC', amount: '100', to: stranger } }] },
      { answer: 'done' },
    ]);
    const agent = createAgent({ model, tools: stewardTools(session), systemPrompt: 'You manage a DAO treasury.' });
    const state = await agent.invoke({ messages: [{ role: 'user', content: 'pay the grantee' }] }, { recursionLimit: 40 });

    const observed = (state.messages as unknown[]).find(
      (m): m is ToolMessage => ToolMessage.isInstance(m) && m.name === 'observe_treasury',
    );
    expect(observed?.text).toContain('Treasury at slot');
    const [allowed, overLimit, offList] = results(state.messages);
    expect(allowed).toMatchObject({ verdict: 'allow', outcome: 'landed', state: 'confirmed' });
    expect(allowed?.signature).toMatch(/^[1-9A-HJ-NP-Za-km-z]{64,88}$/);
    expect(overLimit).toMatchObject({ verdict: 'deny', outcome: 'denied', state: 'denied' });
    expect(overLimit?.rules.filter((rule) => rule.effect === 'deny').map((rule) => rule.id)).toContain('limit.per-tx.token');
    expect(offList).toMatchObject({ verdict: 'deny', outcome: 'denied', state: 'denied' });
    expect(offList?.rules.filter((rule) => rule.effect === 'deny').map((rule) => rule.id)).toContain('destination.not-allowed');
    expect(JSON.stringify(state.messages)).not.toMatch(/secretKey|privateKey/i);

    // The chain: exactly the first payment, nothing to the stranger.
    expect((await usdcOf(connection, DEMO.grantee)) - granteeBefore).toBe(5_000_000_000n);
    expect(await usdcOf(connection, DEMO.stranger)).toBe(strangerBefore);
    expect(treasuryBefore - (await usdcOf(connection, DEMO.nativeTreasury))).toBe(5_000_000_000n);
    const signature = await connection.getSignatureStatus(allowed!.signature!);
    expect(signature.value?.err).toBeNull();
    expect(session.calls.get('propose_transfer')).toBe(3);
  });

  it('a payment above the approval threshold waits in the approval queue and the tool says which id to approve', async () => {
    const session = new ToolSession({ runtime, agent: guardian, policy, runId: null });
    const model = new ScriptedToolModel('needs-approval', [
      { toolCalls: [{ name: 'propose_transfer', args: { token: 'USDC', amount: '12000', to: DEMO.grantee.toBase58() } }] },
      { answer: 'asked' },
    ]);
    const agent = createAgent({ model, tools: stewardTools(session), systemPrompt: 'x' });
    const state = await agent.invoke({ messages: [{ role: 'user', content: 'pay' }] });
    const [pending] = results(state.messages);
    expect(pending).toMatchObject({ verdict: 'needs-approval', outcome: 'pending-approval', state: 'pending-approval' });
    expect(pending?.approval?.approveWith).toBe(`steward approvals approve ${pending?.actionId}`);
    expect(getApproval(store.db, pending!.actionId!, new Date()).status).toBe('pending');
  });

  it('decision: tool-agent runs the loop inside a Steward run: journal rows belong to the run, the transcript is the recorded decision, maxActionsPerRun bounds proposals', async () => {
    const grantee = DEMO.grantee.toBase58();
    const granteeBefore = await usdcOf(connection, DEMO.grantee);
    const model = new ScriptedToolModel('run', [
      { toolCalls: [{ name: 'analyze_positions', args: {} }] },
      {
        toolCalls: [
          { name: 'propose_transfer', args: { token: 'USDC', amount: '10', to: grantee } },
          { name: 'propose_transfer', args: { token: 'USDC', amount: '11', to: grantee } },
        ],
      },
      { toolCalls: [{ name: 'propose_transfer', args: { token: 'USDC', amount: '12', to: grantee } }] },
      { answer: 'Paid the grantee in two parts; the third was over my limit.' },
    ]);
    const agent: AgentConfig = { ...guardian, decision: 'tool-agent', maxActionsPerRun: 2 };
    const result = await runAgent(agent, policy, { ...runtime, model: async () => model }, { trigger: 'cli' });
    expect(result.error).toBeNull();
    expect(result.status).toBe('ok');
    expect(result.phases.map((phase) => phase.name)).toContain('tool-agent');
    expect(result.actions.map((action) => action.state)).toEqual(['confirmed', 'confirmed']);
    expect(result.assessment).toBe('Paid the grantee in two parts; the third was over my limit.');
    expect((await usdcOf(connection, DEMO.grantee)) - granteeBefore).toBe(21_000_000n);
    const rows = store.db.prepare('SELECT run_id FROM actions WHERE run_id = ?').all(result.runId);
    expect(rows).toHaveLength(2);
    const [decision] = listDecisions(store.db, result.runId);
    expect(decision?.modelId).toBe('scripted-tools:run');
    expect(decision?.attempts).toBe(4);
    const transcript = JSON.parse(decision!.rawOutput!) as { role: string; text: string }[];
    const limited = transcript
      .filter((entry) => entry.role === 'tool')
      .map((entry) => entry.text)
      .find((text) => text.includes('limit-reached'));
    expect(limited).toContain('at most 2 action(s) per run');
  });

  it('the loop is bounded: a model that never stops calling tools is cut at maxToolCalls and maxSteps', async () => {
    const model = new ScriptedToolModel('endless', () => ({ toolCalls: [{ name: 'observe_treasury', args: {} }] }));
    const agent: AgentConfig = { ...guardian, decision: 'tool-agent', toolAgent: { maxSteps: 50, maxToolCalls: 5, maxTokens: 16_000 } };
    const result = await runAgent(agent, policy, { ...runtime, model: async () => model }, { trigger: 'cli' });
    expect(result.status).toBe('ok');
    const [decision] = listDecisions(store.db, result.runId);
    const parsed = decision?.parsed as { stoppedBy: string; toolCalls: Record<string, number> };
    expect(parsed.stoppedBy).toBe('tool-calls');
    expect(parsed.toolCalls['observe_treasury']).toBe(5);

    const stepsModel = new ScriptedToolModel('endless-steps', () => ({ toolCalls: [{ name: 'observe_treasury', args: {} }] }));
    const stepped = await runAgent(
      { ...agent, toolAgent: { maxSteps: 3, maxToolCalls: 200, maxTokens: 16_000 } },
      policy,
      { ...runtime, model: async () => stepsModel },
      { trigger: 'cli' },
    );
    const [steps] = listDecisions(store.db, stepped.runId);
    expect((steps?.parsed as { stoppedBy: string }).stoppedBy).toBe('steps');
    expect(steps?.attempts).toBe(3);
  });

  it('bad tool arguments come back to the model as an error it can read; nothing is journalled for them', async () => {
    const session = new ToolSession({ runtime, agent: guardian, policy, runId: null });
    const before = store.db.prepare('SELECT COUNT(*) FROM actions').pluck().get();
    const model = new ScriptedToolModel('bad-args', [
      { toolCalls: [{ name: 'propose_transfer', args: { token: 'DOGE', amount: '1', to: DEMO.grantee.toBase58() } }] },
      { toolCalls: [{ name: 'propose_transfer', args: { token: 'USDC', amount: '1', to: DEMO.grantee.toBase58(), secret: 'x' } }] },
      { toolCalls: [{ name: 'sign_anything', args: {} }] },
      { answer: 'gave up' },
    ]);
    const agent = createAgent({ model, tools: stewardTools(session), systemPrompt: 'x' });
    const state = await agent.invoke({ messages: [{ role: 'user', content: 'pay' }] }, { recursionLimit: 30 });
    const errors = (state.messages as unknown[])
      .filter((m): m is ToolMessage => ToolMessage.isInstance(m))
      .map((m) => ({ status: m.status, text: m.text }));
    expect(errors).toHaveLength(3);
    for (const error of errors) expect(error.status).toBe('error');
    expect(errors[0]?.text).toMatch(/token/);
    expect(errors[2]?.text).toMatch(/sign_anything/);
    expect(store.db.prepare('SELECT COUNT(*) FROM actions').pluck().get()).toBe(before);
  });
});
