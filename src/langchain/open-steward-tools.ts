// The one call a LangChain user needs: Steward's tools for an agent of a Steward configuration,
// with everything behind them opened (database, cluster, signer, policy) and a run recorded
// for the session, so `steward runs`, `steward approvals` and `steward status` see what the
// agent did. Close it when the agent is done.
import type { Keypair } from '@solana/web3.js';
import type { StructuredToolInterface } from '@langchain/core/tools';
import { runSummary } from '../agent/run-agent.js';
import { finishRun, startRun } from '../agent/run-store.js';
import { stewardTools, ToolSession } from '../agent/tools/index.js';
import { openAgentSession } from '../cli/agent-session.js';
import { findAgent } from '../cli/agents.js';
import { loadConfig, loadEnv, resolveSettings, type Settings } from '../config/index.js';
import { createLogger, type Logger } from '../shared/index.js';
import { closeCrashLeftovers, openStore } from '../store/index.js';

export interface OpenStewardToolsOptions {
  /** The agent's name (agents/<name>.yaml): its treasury, its policy, its signer. */
  agent: string;
  /** Folder with agents/ and policies/ (default STEWARD_CONFIG_DIR, else the working directory). */
  configDir?: string;
  /** SQLite journal (default STEWARD_DB). */
  db?: string;
  /** RPC URL or cluster name (default STEWARD_RPC_URL; the embedded demo chain when unset). */
  rpcUrl?: string;
  /** Force dry-run whatever the agent's mode: proposals are judged and simulated, nothing is signed. */
  dryRun?: boolean;
  /** Sign with this key instead of the agent's configured signer. */
  signer?: Keypair;
  logger?: Logger;
}

export interface StewardToolkit {
  tools: StructuredToolInterface[];
  session: ToolSession;
  /** The run the session's journal rows belong to. */
  runId: number;
  settings: Settings;
  /** Records the run as finished and closes the cluster and the database. */
  close(): Promise<void>;
}

export async function openStewardTools(options: OpenStewardToolsOptions): Promise<StewardToolkit> {
  loadEnv();
  const settings = resolveSettings({
    ...(options.configDir ? { configDir: options.configDir } : {}),
    ...(options.db ? { db: options.db } : {}),
    ...(options.rpcUrl ? { rpcUrl: options.rpcUrl } : {}),
  });
  const logger = options.logger ?? createLogger({ level: settings.logLevel });
  const config = loadConfig(settings.configDir);
  const agent = findAgent(config, options.agent);
  const store = openStore(settings.db);
  let opened: Awaited<ReturnType<typeof openAgentSession>> | undefined;
  try {
    closeCrashLeftovers(store.db, new Date());
    opened = await openAgentSession({ config, store, settings, logger, ...(options.signer ? { signer: options.signer } : {}) });
    const { runtime } = opened;
    const policy = opened.policyOf(agent);
    const runId = startRun(store.db, agent.name, 'langchain', runtime.now());
    const session = new ToolSession({ runtime, agent, policy, runId, mode: options.dryRun ? 'dry-run' : agent.mode });
    const agentSession = opened;
    let closed = false;
    return {
      tools: stewardTools(session),
      session,
      runId,
      settings,
      async close() {
        if (closed) return;
        closed = true;
        try {
          const summary = runSummary({ mode: session.mode, analysis: null, actions: session.outcomes, reviews: [] });
          finishRun(
            store.db,
            runId,
            { status: 'ok', phases: [], error: null, summary: { ...summary, toolCalls: Object.fromEntries(session.calls) } },
            runtime.now(),
          );
        } finally {
          try {
            await agentSession.close();
          } finally {
            store.close();
          }
        }
      },
    };
  } catch (error) {
    await opened?.close();
    store.close();
    throw error;
  }
}
