// The deterministic half of a proposal review: every flag computed from the decoded
// instructions, the treasury context, the proposal's timing and its (untrusted) text.
// Pure: no I/O, the clock comes in as `now`.
import { formatUsd } from '../../shared/index.js';
import { tokenAmount } from '../decode/amount.js';
import { short } from '../decode/base.js';
import type { DecodedInstruction, GovernanceConfigSummary } from '../decode/types.js';
import type { TreasuryIndex } from '../treasury-context.js';
import { asksToMoveFunds, scanInjection, type InjectionScan } from './injection.js';
import { findOutflows, type Outflow } from './outflows.js';
import { findStatedAddresses, findStatedAmounts } from './text-claims.js';
import { DEFAULT_RISK_THRESHOLDS, sortFlags, type RiskFlag, type RiskThresholds, type Severity } from './types.js';
import { TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID } from '@solana/spl-token';
import { PublicKey } from '@solana/web3.js';
import { associatedTokenAddress } from '../../chain/derived-address.js';

export interface RiskInput {
  instructions: readonly DecodedInstruction[];
  treasury: TreasuryIndex;
  /** Untrusted text of the proposal. */
  title: string;
  description: string;
  /** Unix seconds. */
  now: number;
  /** Unix seconds when voting ends; null when not voting yet or unknown. */
  votingEndsAt: number | null;
  /** Hold-up (seconds) of each proposal transaction. */
  holdUpSeconds: readonly number[];
  thresholds?: Partial<RiskThresholds>;
}

export interface RiskAssessment {
  flags: RiskFlag[];
  outflows: Outflow[];
  /** Total priced outflow in micro-USD. */
  outflowUsdMicros: bigint;
  /** Share of treasury value leaving, in basis points; null when the treasury or an outflow is unpriced. */
  outflowShareBps: number | null;
}

const flag = (id: string, severity: Severity, title: string, evidence: string[], instructions: number[] = []): RiskFlag => ({
  id,
  severity,
  title,
  evidence,
  instructions,
});

const line = (ix: DecodedInstruction): string => `instruction #${ix.index}: ${ix.summary}`;

function quote(text: string, max = 160): string {
  const flat = text.replaceAll(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > max ? `${flat.slice(0, max - 1)}…` : flat);
}

function outflowFlags(assessment: Omit<RiskAssessment, 'flags'>, input: RiskInput, t: RiskThresholds): RiskFlag[] {
  const { outflows, outflowUsdMicros, outflowShareBps } = assessment;
  if (outflows.length === 0) return [];
  const total = input.treasury.context.totalUsdMicros;
  const evidence = outflows.map((o) =>
    `instruction #${o.instruction}: ${o.kind === 'approval' ? 'allowance of' : ''} ${o.amount.display} (${formatUsd(o.amount.usdMicros, 'cents')}) to ${o.destination}`.replace(
      ':  ',
      ': ',
    ),
  );
  evidence.push(
    `total ${formatUsd(outflowUsdMicros, 'cents')} of a treasury worth ${formatUsd(total, 'cents')}${outflowShareBps === null ? '' : ` = ${(outflowShareBps / 100).toFixed(2)}%`}`,
  );
  let severity: Severity = 'info';
  if ((outflowShareBps !== null && outflowShareBps >= t.outflowSevereBps) || outflowUsdMicros >= t.outflowSevereUsdMicros)
    severity = 'severe';
  else if ((outflowShareBps !== null && outflowShareBps >= t.outflowWarnBps) || outflowUsdMicros >= t.outflowWarnUsdMicros)
    severity = 'warn';
  const flags = [
    flag(
      'treasury-outflow',
      severity,
      `${formatUsd(outflowUsdMicros, 'cents')} leaves the treasury${outflowShareBps === null ? '' : ` (${(outflowShareBps / 100).toFixed(2)}% of its value)`}`,
      evidence,
      outflows.map((o) => o.instruction),
    ),
  ];
  const unpriced = outflows.filter((o) => o.amount.usdMicros === null);
  if (unpriced.length > 0) {
    flags.push(
      flag(
        'unpriced-outflow',
        'warn',
        'value leaves the treasury in a token without a trusted price',
        unpriced.map((o) => `instruction #${o.instruction}: ${o.amount.display}`),
        unpriced.map((o) => o.instruction),
      ),
    );
  }
  return flags;
}

function destinationFlags(outflows: readonly Outflow[], input: RiskInput): RiskFlag[] {
  const byDestination = new Map<string, Outflow[]>();
  for (const outflow of outflows) {
    if (input.treasury.isKnownDestination(outflow.destination, outflow.amount.mint)) continue;
    byDestination.set(outflow.destination, [...(byDestination.get(outflow.destination) ?? []), outflow]);
  }
  return [...byDestination.entries()].map(([destination, items]) =>
    flag(
      'new-destination',
      'warn',
      `${short(destination)} was never paid before and is not owned by the DAO`,
      [`destination ${destination}`, ...items.map((o) => `instruction #${o.instruction}: ${o.amount.display}`)],
      items.map((o) => o.instruction),
    ),
  );
}

function governanceConfigSeverity(config: GovernanceConfigSummary): { severity: Severity; why: string[] } {
  const why: string[] = [];
  if (config.minInstructionHoldUpTimeSeconds === 0) why.push('hold-up time becomes 0: passed proposals execute at once');
  if (config.baseVotingTimeSeconds < 24 * 3600) why.push(`voting time becomes ${config.baseVotingTimeSeconds}s (< 1 day)`);
  for (const [name, value] of [
    ['community', config.communityVoteThreshold],
    ['council', config.councilVoteThreshold],
  ] as const) {
    const percent = /^(\d+)% yes$/.exec(value);
    if (percent && Number(percent[1]) < 50) why.push(`${name} threshold becomes ${value} (< 50%)`);
  }
  return { severity: why.length > 0 ? 'severe' : 'warn', why };
}

/** What a treasury token account holds: the value an authority change puts at stake. */
function heldBy(account: string, treasury: TreasuryIndex): string[] {
  const held = treasury.tokenAccounts.get(account);
  if (!held) return [];
  const amount = tokenAmount(held.amount, held.mint, treasury);
  return [`the account holds ${amount.display} (${formatUsd(amount.usdMicros, 'cents')}), all of it controlled by the new authority`];
}

function authorityFlags(input: RiskInput): RiskFlag[] {
  const flags: RiskFlag[] = [];
  const { treasury } = input;
  for (const ix of input.instructions) {
    switch (ix.kind) {
      case 'token-set-authority': {
        const toDao = ix.newAuthority !== null && treasury.isTreasury(ix.newAuthority);
        flags.push(
          flag(
            'authority-change',
            toDao ? 'warn' : 'severe',
            `${ix.authorityType} authority of ${short(ix.account)} moves to ${ix.newAuthority === null ? 'nobody' : toDao ? 'another DAO account' : 'an account the DAO does not own'}`,
            [line(ix), `account ${ix.account}`, `new authority ${ix.newAuthority ?? 'none'}`, ...heldBy(ix.account, treasury)],
            [ix.index],
          ),
        );
        break;
      }
      case 'program-set-authority':
        flags.push(
          flag(
            'authority-change',
            ix.newAuthority !== null && treasury.isTreasury(ix.newAuthority) ? 'warn' : 'severe',
            ix.upgradedProgram
              ? `upgrade authority of program ${short(ix.upgradedProgram)} changes`
              : `upgrade authority of ${short(ix.account)} (a ProgramData account; its program was not resolved) changes`,
            [
              line(ix),
              ...(ix.upgradedProgram ? [`program ${ix.upgradedProgram}`] : []),
              `ProgramData ${ix.account}`,
              `current authority ${ix.currentAuthority}`,
              `new authority ${ix.newAuthority ?? 'none (immutable)'}`,
            ],
            [ix.index],
          ),
        );
        break;
      case 'stake-authorize':
        flags.push(
          flag(
            'authority-change',
            treasury.isTreasury(ix.newAuthority) ? 'warn' : 'severe',
            `${ix.role} authority of stake account ${short(ix.stakeAccount)} changes`,
            [line(ix), `new ${ix.role} ${ix.newAuthority}`],
            [ix.index],
          ),
        );
        break;
      case 'assign':
        if (treasury.isTreasury(ix.account)) {
          flags.push(
            flag(
              'authority-change',
              'severe',
              `treasury account ${short(ix.account)} is handed to program ${short(ix.owner)}`,
              [line(ix)],
              [ix.index],
            ),
          );
        }
        break;
      case 'token-close-account':
        if (treasury.isTreasury(ix.account) && !treasury.isTreasury(ix.destination)) {
          flags.push(
            flag(
              'account-closed',
              'warn',
              `treasury token account ${short(ix.account)} is closed, rent to an outside account`,
              [line(ix)],
              [ix.index],
            ),
          );
        }
        break;
      case 'token-mint-to':
        flags.push(
          flag(
            'supply-change',
            treasury.isTreasury(ix.destination, ix.mint) ? 'warn' : 'severe',
            `new ${ix.amount.display} minted to ${short(ix.destination)}`,
            [line(ix)],
            [ix.index],
          ),
        );
        break;
      case 'governance-set-governance-config': {
        const { severity, why } = governanceConfigSeverity(ix.config);
        flags.push(
          flag(
            'governance-config-change',
            severity,
            `voting rules of governance ${short(ix.governance)} change`,
            [line(ix), ...why, `new config ${JSON.stringify(ix.config)}`],
            [ix.index],
          ),
        );
        break;
      }
      case 'governance-set-realm-config':
        flags.push(
          flag(
            'realm-config-change',
            'severe',
            `realm ${short(ix.realm)} config changes (council mint, voter-weight plugins)`,
            [line(ix), JSON.stringify(ix.changes)],
            [ix.index],
          ),
        );
        break;
      case 'governance-set-realm-authority':
        flags.push(
          flag(
            'authority-change',
            'severe',
            `realm ${short(ix.realm)} authority moves to ${ix.newAuthority === null ? 'nobody' : short(ix.newAuthority)}`,
            [line(ix)],
            [ix.index],
          ),
        );
        break;
      case 'program-upgrade':
        flags.push(
          flag(
            'program-upgrade',
            'severe',
            `program ${short(ix.upgradedProgram)} gets new code`,
            [line(ix), `buffer ${ix.buffer}: verify its build before voting`],
            [ix.index],
          ),
        );
        break;
      case 'program-close':
        flags.push(flag('program-upgrade', 'severe', `program account ${short(ix.account)} is closed`, [line(ix)], [ix.index]));
        break;
      case 'unknown-program':
        flags.push(
          flag(
            'unknown-program',
            'warn',
            `program ${short(ix.programId)} is unknown to Steward`,
            [line(ix), `program id ${ix.programId}`],
            [ix.index],
          ),
        );
        break;
      case 'undecodable':
        flags.push(flag('undecodable-instruction', 'severe', `instruction #${ix.index} could not be decoded`, [line(ix)], [ix.index]));
        break;
      case 'token-other':
      case 'loader-other':
      case 'governance-other':
        flags.push(
          flag(
            'unreviewed-instruction',
            'warn',
            `instruction #${ix.index} (${ix.name}) is not broken down by Steward`,
            [line(ix)],
            [ix.index],
          ),
        );
        break;
      default:
        break;
    }
  }
  return flags;
}

/** Whether `destination` (wallet or token account) is named by one of the text's addresses. */
function mentioned(destination: string, mint: string | null, addresses: readonly string[]): boolean {
  if (addresses.includes(destination)) return true;
  if (!mint) return false;
  return addresses.some((address) =>
    [TOKEN_PROGRAM_ID, TOKEN_2022_PROGRAM_ID].some((program) => {
      try {
        return associatedTokenAddress(new PublicKey(mint), new PublicKey(address), true, program).toBase58() === destination;
      } catch {
        return false;
      }
    }),
  );
}

function descriptionFlags(outflows: readonly Outflow[], input: RiskInput): RiskFlag[] {
  const text = `${input.title}\n${input.description}`;
  const symbols = input.treasury.context.tokens.map((token) => token.symbol);
  const stated = findStatedAmounts(text, symbols);
  const addresses = findStatedAddresses(text);
  const flags: RiskFlag[] = [];
  const transfers = outflows.filter((o) => o.amount.decimals !== null);
  const unmatched: string[] = [];
  const instructions: number[] = [];
  let understated = false;
  for (const outflow of transfers) {
    const decimals = outflow.amount.decimals ?? 0;
    // the outflow in millionths of a unit, comparable with the stated amounts
    const micros = decimals >= 6 ? outflow.amount.raw / 10n ** BigInt(decimals - 6) : outflow.amount.raw * 10n ** BigInt(6 - decimals);
    const symbol = outflow.amount.symbol?.toUpperCase() ?? null;
    const usd = outflow.amount.usdMicros;
    const sameToken = stated.filter((s) => s.symbol === symbol);
    const inUsd = stated.filter((s) => s.symbol === 'USD');
    const exact = sameToken.some((s) => s.micros === micros) || (usd !== null && inUsd.some((s) => within(s.micros, usd, 1)));
    if (exact) continue;
    const claimed = [...sameToken, ...inUsd];
    if (claimed.length === 0 && stated.length === 0) {
      unmatched.push(`instruction #${outflow.instruction} moves ${outflow.amount.display}; the text states no amount`);
    } else {
      const largest = claimed.reduce<bigint>((max, s) => (s.micros > max ? s.micros : max), 0n);
      const actual = usd !== null && inUsd.length > 0 && sameToken.length === 0 ? usd : micros;
      if (actual > largest) understated = true;
      unmatched.push(
        `instruction #${outflow.instruction} moves ${outflow.amount.display}; the text states ${[...new Set(stated.map((s) => JSON.stringify(s.text)))].join(', ') || 'nothing'}`,
      );
    }
    instructions.push(outflow.instruction);
  }
  if (unmatched.length > 0) {
    const statesAmounts = stated.length > 0;
    flags.push(
      flag(
        'description-mismatch',
        understated ? 'severe' : statesAmounts ? 'warn' : 'info',
        understated
          ? 'the description understates what the instructions move'
          : statesAmounts
            ? 'the amounts in the description do not match the instructions'
            : 'the description does not state the amounts the instructions move',
        unmatched,
        instructions,
      ),
    );
  }
  if (addresses.length > 0) {
    const unnamed = outflows.filter((o) => !mentioned(o.destination, o.amount.mint, addresses));
    if (unnamed.length > 0) {
      flags.push(
        flag(
          'recipient-mismatch',
          'severe',
          'the instructions pay an account the description does not name',
          [...unnamed.map((o) => `instruction #${o.instruction} pays ${o.destination}`), `the text names ${addresses.join(', ')}`],
          unnamed.map((o) => o.instruction),
        ),
      );
    }
  }
  return flags;
}

function within(a: bigint, b: bigint, percent: number): boolean {
  const diff = a > b ? a - b : b - a;
  return diff * 100n <= (b === 0n ? 0n : b) * BigInt(percent);
}

function timingFlags(input: RiskInput, movesValueOrAuthority: boolean, t: RiskThresholds): RiskFlag[] {
  const flags: RiskFlag[] = [];
  if (input.votingEndsAt !== null) {
    const left = input.votingEndsAt - input.now;
    if (left <= 0)
      flags.push(flag('voting-ended', 'info', 'the voting time is over; the vote can only be finalized', [`voting ended ${-left}s ago`]));
    else if (left < t.minVotingTimeLeftSeconds)
      flags.push(
        flag('little-time-to-vote', 'warn', `only ${formatDuration(left)} left to vote`, [
          `voting ends at ${new Date(input.votingEndsAt * 1000).toISOString()}`,
        ]),
      );
  }
  const shortest = input.holdUpSeconds.length > 0 ? Math.min(...input.holdUpSeconds) : null;
  if (shortest !== null && shortest < t.minHoldUpSeconds && movesValueOrAuthority) {
    flags.push(
      flag('short-hold-up', 'warn', `a passed proposal executes after only ${formatDuration(shortest)}`, [
        `hold-up times: ${input.holdUpSeconds.map((s) => `${s}s`).join(', ')}`,
        'little time for anyone to react before funds or authority move',
      ]),
    );
  }
  return flags;
}

function formatDuration(seconds: number): string {
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7_200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} days`;
}

/** One evidence line per signal: what it is, its weight, the text around it. */
export function injectionEvidence(scan: InjectionScan): string[] {
  return scan.signals.map((s) => `${s.id} (+${s.weight}): ${quote(s.excerpt)}`);
}

function injectionFlags(input: RiskInput): RiskFlag[] {
  const sources: Array<[string, string, number[]]> = [
    ['title', input.title, []],
    ['description', input.description, []],
    ...input.instructions
      .filter((ix) => ix.kind === 'memo')
      .map((ix): [string, string, number[]] => [`memo in instruction #${ix.index}`, ix.kind === 'memo' ? ix.text : '', [ix.index]]),
  ];
  const flags: RiskFlag[] = [];
  for (const [where, text, instructions] of sources) {
    const scan = scanInjection(text);
    if (scan.level === null) continue;
    flags.push(
      flag(
        'prompt-injection',
        scan.level,
        scan.level === 'severe'
          ? `the ${where} contains text aimed at an AI reviewer (score ${scan.score})`
          : `the ${where} may contain text aimed at an AI reviewer (one signal, score ${scan.score}): read it`,
        injectionEvidence(scan),
        instructions,
      ),
    );
  }
  return flags;
}

const AUTHORITY_WORDS = /\b(?:authorit(?:y|ies)|owner(?:ship)?|custod\w*|control|delegate|upgrade|admin|multisig|signer|close)\b/i;

/** The text asks for an action the instructions do not contain, or the instructions do what the text never mentions. */
function actionFlags(outflows: readonly Outflow[], authority: readonly RiskFlag[], input: RiskInput): RiskFlag[] {
  const flags: RiskFlag[] = [];
  const texts = [input.title, input.description, ...input.instructions.flatMap((ix) => (ix.kind === 'memo' ? [ix.text] : []))];
  const asked = texts.map(asksToMoveFunds).find((found) => found !== null) ?? null;
  const movesSomething = input.instructions.some((ix) =>
    ['sol-transfer', 'token-transfer', 'stake-withdraw', 'token-approve', 'token-mint-to'].includes(ix.kind),
  );
  if (asked !== null && !movesSomething) {
    flags.push(
      flag(
        'action-mismatch',
        'severe',
        'the text asks for funds to move, but the instructions move nothing: the request is aimed at someone else, such as an agent',
        [
          `the text says ${quote(asked)}`,
          `the instructions: ${input.instructions.length === 0 ? 'none' : input.instructions.map((ix) => ix.kind).join(', ')}`,
        ],
      ),
    );
  }
  const changes = authority.filter((f) => f.id === 'authority-change' && f.severity !== 'info');
  if (changes.length > 0 && !AUTHORITY_WORDS.test(`${input.title}\n${input.description}`)) {
    flags.push(
      flag(
        'action-mismatch',
        'warn',
        'the instructions change an authority that the text never mentions',
        changes.map((f) => f.title),
        changes.flatMap((f) => f.instructions),
      ),
    );
  }
  if (
    outflows.length > 0 &&
    !/\b(?:pay|pays|paid|payment|transfer|send|sends|fund|funds|grant|move|moves|swap|reimburse\w*|refund|loan|budget|allocat\w*|stipend|bounty|compensat\w*|invoice|fee|deposit)\b/i.test(
      `${input.title}\n${input.description}`,
    )
  ) {
    flags.push(
      flag(
        'action-mismatch',
        'warn',
        'value leaves the treasury, but the text never says that anything is paid or moved',
        outflows.map((o) => `instruction #${o.instruction}: ${o.amount.display} to ${o.destination}`),
        outflows.map((o) => o.instruction),
      ),
    );
  }
  return flags;
}

export function assessRisks(input: RiskInput): RiskAssessment {
  const t = { ...DEFAULT_RISK_THRESHOLDS, ...input.thresholds };
  const outflows = findOutflows(input.instructions, input.treasury);
  const outflowUsdMicros = outflows.reduce((sum, o) => sum + (o.amount.usdMicros ?? 0n), 0n);
  const total = input.treasury.context.totalUsdMicros;
  const allPriced = outflows.every((o) => o.amount.usdMicros !== null);
  const outflowShareBps = total !== null && total > 0n && allPriced ? Number((outflowUsdMicros * 10_000n) / total) : null;
  const base = { outflows, outflowUsdMicros, outflowShareBps };
  const authority = authorityFlags(input);
  const movesValueOrAuthority = outflows.length > 0 || authority.some((f) => f.severity !== 'info');
  const flags = sortFlags([
    ...outflowFlags(base, input, t),
    ...destinationFlags(outflows, input),
    ...authority,
    ...descriptionFlags(outflows, input),
    ...timingFlags(input, movesValueOrAuthority, t),
    ...injectionFlags(input),
    ...actionFlags(outflows, authority, input),
  ]);
  return { flags, ...base };
}
