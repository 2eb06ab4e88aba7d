// The simulation's account changes as a voter reads them: who (the account, its owner and what
// the DAO knows of it) gains or loses how much of what (whole tokens with symbol and USD value),
// and which authority moves from whom to whom. Computed once per review, so the JSON and the
// Markdown say the same sentences.
import { formatTokenNumber, formatUsd } from '../../shared/index.js';
import { valueMicros } from '../decode/amount.js';
import type { ProgramName } from '../decode/types.js';
import { describeSource, type Recipient } from '../risk/recipients.js';
import type { AccountChange, SimulationReport } from '../simulate/simulate-proposal.js';
import type { TreasuryIndex } from '../treasury-context.js';

export interface ChangeView {
  address: string;
  /** Who the account is, in words: "the DAO's USDC account", "token account of <owner> (allow-listed)". */
  who: string;
  /** "gains 5,000 USDC ($5,000.00)", "loses 0.00203928 SOL ($0.31)". */
  moves: string[];
  /** "owner <a> → <b>", "upgrade authority of program <p>: <a> → <b>". */
  authorities: string[];
}

const PROGRAM_NAMES: Record<Exclude<ProgramName, 'unknown'>, string> = {
  system: 'System Program',
  'spl-token': 'SPL Token',
  'token-2022': 'Token-2022',
  'associated-token': 'Associated Token Account program',
  'bpf-upgradeable-loader': 'BPF Upgradeable Loader',
  stake: 'Stake program',
  'spl-governance': 'SPL Governance',
  memo: 'Memo program',
  'compute-budget': 'Compute Budget program',
};

/** A program as a voter reads it: its known name, or "unknown program" and the address. */
export function programName(program: ProgramName, programId: string): string {
  return program === 'unknown' ? `unknown program ${programId}` : PROGRAM_NAMES[program];
}

function signed(delta: bigint, decimals: number, symbol: string, usdMicros: bigint | null): string {
  const verb = delta < 0n ? 'loses' : 'gains';
  const magnitude = delta < 0n ? -delta : delta;
  return `${verb} ${formatTokenNumber(magnitude, decimals)} ${symbol}${usdMicros === null ? '' : ` (${formatUsd(usdMicros < 0n ? -usdMicros : usdMicros, 'cents')})`}`;
}

function tokenMove(change: AccountChange, treasury: TreasuryIndex): string | null {
  if (change.tokenDelta === null || change.tokenDelta === 0n) return null;
  const token = change.mint ? treasury.tokensByMint.get(change.mint) : undefined;
  if (!token)
    return `${change.tokenDelta < 0n ? 'loses' : 'gains'} ${formatTokenNumber(change.tokenDelta < 0n ? -change.tokenDelta : change.tokenDelta, 0)} base units of unknown token ${change.mint ?? '(mint unknown)'}`;
  return signed(
    change.tokenDelta,
    token.decimals,
    token.symbol,
    valueMicros(change.tokenDelta < 0n ? -change.tokenDelta : change.tokenDelta, token.decimals, token.price),
  );
}

function who(
  change: AccountChange,
  treasury: TreasuryIndex,
  recipients: readonly Recipient[],
  feePayer: string | null,
  programs: Readonly<Record<string, string>>,
): string {
  const address = change.address;
  if (address === feePayer) return "the simulation's made-up fee payer";
  if (treasury.owners.has(address)) return 'a DAO treasury wallet';
  const mint = change.mint;
  const symbol = mint ? (treasury.tokensByMint.get(mint)?.symbol ?? 'unknown token') : null;
  const owner = change.after?.token?.owner ?? change.before?.token?.owner ?? null;
  if (change.treasury) return symbol ? `the DAO's ${symbol} account` : 'a DAO account';
  const recipient = recipients.find((r) => r.account === address);
  const known = recipient
    ? recipient.match.kind === 'exact'
      ? describeSource(recipient.match.source)
      : recipient.match.kind === 'look-alike'
        ? `LOOK-ALIKE of the ${describeSource(recipient.match.source)} ${recipient.match.address}`
        : 'never paid before, not allow-listed'
    : null;
  if (owner) return `${symbol ?? 'token'} account of ${owner}${known ? ` (${known})` : ''}`;
  const program = programs[address];
  if (program) return `ProgramData of program ${program}`;
  return known ? `${address} (${known})` : 'an account';
}

export function describeSimulatedChanges(
  simulation: SimulationReport,
  treasury: TreasuryIndex,
  recipients: readonly Recipient[],
  programs: Readonly<Record<string, string>> = {},
): ChangeView[] {
  if (simulation.status !== 'simulated') return [];
  return simulation.changes.map((change) => {
    const moves: string[] = [];
    const token = tokenMove(change, treasury);
    if (token) moves.push(token);
    if (change.lamportsDelta !== 0n) {
      const usd = valueMicros(change.lamportsDelta < 0n ? -change.lamportsDelta : change.lamportsDelta, 9, treasury.context.solPrice);
      moves.push(
        `${signed(change.lamportsDelta, 9, 'SOL', usd)}${change.before === null ? ' (a new account)' : change.after === null ? ' (account closed)' : ''}`,
      );
    }
    const authorities = change.authorities.map((a) => {
      const what =
        a.what === 'upgrade authority' && programs[change.address] ? `upgrade authority of program ${programs[change.address]}` : a.what;
      if (a.what === 'account closed') return 'token account closed';
      const token = change.mint ? treasury.tokensByMint.get(change.mint) : undefined;
      const allowance = (raw: bigint) =>
        token ? `${formatTokenNumber(raw, token.decimals)} ${token.symbol}` : `${formatTokenNumber(raw, 0)} base units`;
      const amounts = a.amounts ? ` (allowance ${allowance(a.amounts.before)} → ${allowance(a.amounts.after)})` : '';
      return `${what}: ${a.before ?? 'none'} → ${a.after ?? 'none'}${amounts}`;
    });
    return { address: change.address, who: who(change, treasury, recipients, simulation.feePayer, programs), moves, authorities };
  });
}
