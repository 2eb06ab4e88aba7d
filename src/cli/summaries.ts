// One line per top-level command: what `steward --help` lists without loading any command's
// module (each command loads only when it runs), and what the command itself describes.
export const SUMMARY = {
  validate: 'check agents/*.yaml and policies/*.yaml; print every problem with file:line:column',
  doctor: 'show the Node version, llama.cpp backend and GPU, cluster, database and config health',
  schemas: 'write the JSON Schemas of agent and policy files',
  localnet: 'serve the embedded Solana chain (LiteSVM) on 127.0.0.1: JSON-RPC on --port, websocket on port + 1',
  programs: 'program binaries for the embedded chain: pull them from a cluster, list where they are found',
  model: 'pull, inspect and generate model files',
  'serve-model': 'serve a local model (GGUF path or hf: URI) as an OpenAI-compatible API on 127.0.0.1',
  policy: 'work with policy files',
  pause: 'stop every agent action now (kill switch in the database); `steward resume` lifts it',
  resume: 'lift the kill switch set by `steward pause`',
  observe: "read an agent's treasury from chain, analyze it, store the observation and print it",
  review: 'review open governance proposals: decoded instructions, risk flags, simulation, model opinion; reports and DB',
  run: 'run one agent once now: observe, analyze, decide, check policy, execute, record',
  runs: 'list and show recorded agent runs',
  status: "each agent's last run, next run, pending approvals and remaining allowances",
  start: 'run every scheduled agent on its cron until stopped (Ctrl-C)',
  demo: 'run the demo: embedded chain + demo DAO, both example agents once, and a scripted scenario',
  approvals: 'actions waiting for a human: list, show, approve (re-check, then execute), reject',
  grant: 'print the SPL approve (or revoke), or with --squads the spending limits, the DAO must execute to let the agent key spend',
  console: 'the operator console: a local web page for treasury, positions, reviews, runs, approvals and the pause switch',
  allowance: "the agent key's SPL delegate allowances on the treasury's token accounts, read from chain",
} as const;

export type CommandName = keyof typeof SUMMARY;
