// What `steward run AGENT --fork URL` prints after the run summary: per action, what landed on
// the fork (the action, its amount in tokens and USD, the recipient, the fork's signature and the
// balance changes the simulation measured before signing), then that nothing went upstream and
// what the upstream was asked. Figures come from the journal (the action's ledger columns and its
// effects check), amounts through src/shared/money; untrusted text (model-proposed payloads, rule
// reasons quoting them, chain errors) is escaped for the terminal.
import type { RunResult } from '../agent/run-agent.js';
import type { ForkInfo } from '../chain/fork/fork-loader.js';
import type { PolicyConfig } from '../config/index.js';
import { effectChecksOf, readAction, type ActionRow } from '../execute/index.js';
import { formatTokenAmount, parseUsdMicro, terminalText, type TokenLabel } from '../shared/index.js';
import type { Db } from '../store/index.js';

const SOL: TokenLabel = { symbol: 'SOL', decimals: 9 };
const NATIVE_MINT = 'So11111111111111111111111111111111111111112';

interface JsonEffects {
  tokenAccounts?: Array<{ address: string; owner: string; mint: string; pre: string; post: string }>;
  lamports?: Array<{ address: string; pre: string; post: string }>;
}

function tokenOf(tokens: PolicyConfig['tokens'], mint: string | null, symbol: string | null = null): TokenLabel {
  for (const [name, entry] of Object.entries(tokens)) {
    if ((mint !== null && entry.mint === mint) || (mint === NATIVE_MINT && entry.mint === 'native') || name === symbol)
      return { symbol: name, decimals: entry.decimals, mint };
  }
  return { symbol, decimals: null, mint };
}

/** "transfer 7 USDC ($7) to ADDRESS": the action from its ledger columns (amounts in base units, USD as decimal text). */
function actionText(row: ActionRow, tokens: PolicyConfig['tokens']): string {
  const parts = [row.kind];
  if (row.amount !== null) {
    const token = row.kind === 'unstake' ? SOL : tokenOf(tokens, row.mint, row.token);
    parts.push(formatTokenAmount(BigInt(row.amount), token, { usdMicro: row.usd === null ? null : parseUsdMicro(row.usd) }));
  }
  if (row.kind === 'swap') {
    const to = (JSON.parse(row.payload) as { to?: unknown }).to;
    if (typeof to === 'string') parts.push(`→ ${to}`);
  }
  if (row.destination !== null)
    parts.push(`${row.kind === 'stake' ? 'with validator' : row.kind === 'vote' ? 'on' : 'to'} ${row.destination}`);
  return terminalText(parts.join(' '));
}

/** The balance changes the last effects check measured (simulated before signing), nonzero ones only. */
function balanceChanges(db: Db, actionId: number, tokens: PolicyConfig['tokens']): string[] {
  const check = effectChecksOf(db, actionId)
    .filter((row) => row.effects !== null)
    .at(-1);
  if (!check?.effects) return [];
  const effects = JSON.parse(check.effects) as JsonEffects;
  const lines: string[] = [];
  for (const change of effects.tokenAccounts ?? []) {
    const delta = BigInt(change.post) - BigInt(change.pre);
    if (delta === 0n) continue;
    lines.push(`${change.address} (owner ${change.owner}): ${formatTokenAmount(delta, tokenOf(tokens, change.mint), { signed: true })}`);
  }
  for (const change of effects.lamports ?? []) {
    const delta = BigInt(change.post) - BigInt(change.pre);
    if (delta === 0n) continue;
    lines.push(`${change.address}: ${formatTokenAmount(delta, SOL, { signed: true })}`);
  }
  return lines.map((line) => terminalText(line));
}

function outcomeText(action: RunResult['actions'][number]): string {
  const execution = action.execution;
  switch (execution?.status) {
    case 'confirmed':
      return `landed on the fork in slot ${execution.slot ?? '?'}, signature ${execution.signature}`;
    case 'failed':
      return `FAILED on the fork: ${terminalText(execution.error)} (signature ${execution.signature})`;
    case 'expired':
    case 'unknown':
      return `${execution.status} on the fork: ${terminalText(execution.error)} (signature ${execution.signature})`;
    case 'pending':
      return `sent to the fork, not settled (signature ${execution.signature})`;
    case 'refused':
      return `refused at ${execution.stage}: ${terminalText(execution.reason)}; nothing was signed`;
    case 'dry-run':
      return `simulated only (dry run), ${execution.unitsConsumed} compute units; nothing was signed`;
    case 'prepared':
      return `prepared, not sent: ${terminalText(execution.reason)}`;
    case undefined: {
      const reasons = action.rules.map((rule) => rule.reason).join('; ');
      return `${action.verdict === 'deny' ? 'denied' : action.state}${reasons ? `: ${terminalText(reasons)}` : ''}${action.note ? ` (${terminalText(action.note)})` : ''}`;
    }
    default:
      return execution satisfies never;
  }
}

export function forkRunLines(params: { db: Db; result: RunResult; tokens: PolicyConfig['tokens']; fork: ForkInfo }): string[] {
  const { db, result, tokens, fork } = params;
  const spread = fork.readSlots.min === null ? 'none read' : `read at upstream slots ${fork.readSlots.min}..${fork.readSlots.max}`;
  const lines = [`On the fork of ${fork.upstream} (from its slot ${fork.forkSlot}; ${fork.fetched} account(s) ${spread}):`];
  if (result.actions.length === 0) lines.push('  no action proposed');
  for (const action of result.actions) {
    const row = action.actionId === null ? undefined : readAction(db, action.actionId);
    if (!row) {
      const proposed = JSON.stringify(action.proposed) ?? String(action.proposed);
      lines.push(`  proposed ${terminalText(proposed.length > 120 ? `${proposed.slice(0, 120)}…` : proposed)}: ${outcomeText(action)}`);
      continue;
    }
    lines.push(`  action ${row.id}: ${actionText(row, tokens)} — ${outcomeText(action)}`);
    const changes = balanceChanges(db, row.id, tokens);
    if (changes.length > 0) {
      lines.push('    balance changes (simulated before signing):');
      for (const change of changes) lines.push(`      ${change}`);
    }
  }
  const methods = Object.entries(fork.methods)
    .map(([method, count]) => `${method} ${count}`)
    .join(', ');
  lines.push(
    `Nothing was sent upstream: ${fork.upstream} was asked ${fork.requests} request(s), reads only${methods ? ` (${methods})` : ''}; every transaction landed on the fork.`,
  );
  return lines;
}
