// Who really receives what a proposal pays out: every outflow's destination resolved to its
// owner (a token account names only itself), then compared with the addresses the DAO knows:
// its own accounts, its allow-list and the recipients it paid before. An exact match is known;
// an address that resembles a known one without being it is a look-alike (address poisoning:
// vanity generators make addresses that share the first and last characters with a target,
// the part a person checks), flagged severe with both addresses shown aligned; anything else
// is new. Pure: the owners come from the treasury table, the proposal's own instructions and
// the simulation's pre- and post-state.
import type { DecodedInstruction } from '../decode/types.js';
import type { AccountChange } from '../simulate/simulate-proposal.js';
import type { TreasuryIndex } from '../treasury-context.js';
import type { Outflow } from './outflows.js';
import type { RiskFlag } from './types.js';

export type DestinationSource = 'allow-list' | 'paid' | 'known' | 'treasury';

/** An address the DAO knows as a recipient, and why. */
export interface KnownDestination {
  address: string;
  source: DestinationSource;
  label?: string;
}

export type RecipientMatch =
  | { kind: 'exact'; source: DestinationSource; address: string; label: string | null }
  | {
      kind: 'look-alike';
      source: DestinationSource;
      address: string;
      label: string | null;
      candidate: string;
      why: string[];
      aligned: string[];
    }
  | { kind: 'new' };

export interface Recipient {
  instruction: number;
  /** The account the instruction pays (a wallet for SOL, a token account for tokens). */
  account: string;
  /** Its owner, when the account is a token account and the owner is known; the wallet itself for SOL. */
  owner: string | null;
  ownerFrom: 'wallet' | 'treasury table' | 'instruction' | 'simulation' | null;
  amount: Outflow['amount'];
  kind: Outflow['kind'];
  match: RecipientMatch;
}

/** How many leading and trailing characters a person is assumed to compare. */
const EDGE = 4;
const MAX_EDIT_DISTANCE = 3;

/** Characters people confuse in base58 addresses (case aside). */
const CONFUSABLE: Record<string, string> = { '1': 'i', l: 'i', '0': 'o', '5': 's', '2': 'z', '8': 'b', '6': 'b', '9': 'g', '7': 't' };
const fold = (address: string): string =>
  address
    .toLowerCase()
    .replaceAll('rn', 'm')
    .replaceAll('vv', 'w')
    .replace(/./g, (c) => CONFUSABLE[c] ?? c);

function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      current.push(value);
      best = Math.min(best, value);
    }
    if (best > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length]!;
}

const commonPrefix = (a: string, b: string): number => {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
};
const commonSuffix = (a: string, b: string): number => {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
};

/** Why `candidate` resembles `known` without being it; empty when it does not. */
export function lookAlike(candidate: string, known: string): string[] {
  if (candidate === known) return [];
  const why: string[] = [];
  const prefix = commonPrefix(candidate, known);
  const suffix = commonSuffix(candidate, known);
  if (prefix >= EDGE && suffix >= EDGE) why.push(`same first ${prefix} and last ${suffix} characters, different middle`);
  if (fold(candidate) === fold(known)) why.push('differs only in characters that look alike');
  const distance = editDistance(candidate, known, MAX_EDIT_DISTANCE);
  if (distance <= MAX_EDIT_DISTANCE) why.push(`${distance} character edit(s) apart`);
  return why;
}

/** The two addresses one above the other, with a marker line under every position that differs. */
export function alignAddresses(rows: readonly [string, string][]): string[] {
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = rows.map(([label, address]) => `${label.padEnd(width)}  ${address}`);
  const [first, second] = rows.map(([, address]) => address);
  if (first !== undefined && second !== undefined) {
    const length = Math.max(first.length, second.length);
    const marks = Array.from({ length }, (_, i) => (first[i] === second[i] ? ' ' : '^'))
      .join('')
      .trimEnd();
    lines.push(`${' '.repeat(width)}  ${marks}`);
  }
  return lines;
}

function resolveOwner(
  outflow: Outflow,
  instructions: readonly DecodedInstruction[],
  changes: readonly AccountChange[],
  treasury: TreasuryIndex,
): Pick<Recipient, 'owner' | 'ownerFrom'> {
  if (outflow.amount.mint === null) return { owner: outflow.destination, ownerFrom: 'wallet' };
  const held = treasury.tokenAccounts.get(outflow.destination);
  if (held) return { owner: held.owner, ownerFrom: 'treasury table' };
  for (const ix of instructions) {
    if (ix.kind === 'ata-create' && ix.account === outflow.destination) return { owner: ix.owner, ownerFrom: 'instruction' };
  }
  const change = changes.find((c) => c.address === outflow.destination);
  const owner = change?.after?.token?.owner ?? change?.before?.token?.owner ?? null;
  if (owner) return { owner, ownerFrom: 'simulation' };
  if (outflow.kind === 'approval') return { owner: outflow.destination, ownerFrom: 'wallet' };
  return { owner: null, ownerFrom: null };
}

const SOURCE_WORDS: Record<DestinationSource, string> = {
  'allow-list': 'allow-listed',
  paid: 'paid before',
  known: 'known',
  treasury: "the DAO's own",
};

export function describeSource(source: DestinationSource): string {
  return SOURCE_WORDS[source];
}

export interface RecipientAssessment {
  recipients: Recipient[];
  flags: RiskFlag[];
}

export function assessRecipients(input: {
  outflows: readonly Outflow[];
  instructions: readonly DecodedInstruction[];
  changes: readonly AccountChange[];
  treasury: TreasuryIndex;
  /** Allow-list and past recipients; defaults to the treasury context's known destinations. */
  known?: readonly KnownDestination[];
}): RecipientAssessment {
  const { treasury } = input;
  const book: KnownDestination[] = [
    ...(input.known ?? treasury.context.knownDestinations.map((address) => ({ address, source: 'known' as const }))),
    ...treasury.context.owners.map((address) => ({ address, source: 'treasury' as const })),
    ...treasury.context.tokenAccounts.map((account) => ({ address: account.address, source: 'treasury' as const })),
  ];
  const exactIndex = new Map<string, KnownDestination>();
  for (const entry of book) if (!exactIndex.has(entry.address)) exactIndex.set(entry.address, entry);
  const recipients: Recipient[] = input.outflows.map((outflow) => {
    const { owner, ownerFrom } = resolveOwner(outflow, input.instructions, input.changes, treasury);
    const candidates = [...new Set([outflow.destination, ...(owner ? [owner] : [])])];
    let match: RecipientMatch = { kind: 'new' };
    const exact = candidates.map((c) => exactIndex.get(c)).find((entry) => entry !== undefined);
    if (exact) match = { kind: 'exact', source: exact.source, address: exact.address, label: exact.label ?? null };
    else if (treasury.isKnownDestination(outflow.destination, outflow.amount.mint)) {
      match = { kind: 'exact', source: 'known', address: outflow.destination, label: 'associated token account of a known wallet' };
    } else {
      for (const candidate of candidates) {
        const similar = book.map((entry) => ({ entry, why: lookAlike(candidate, entry.address) })).find(({ why }) => why.length > 0);
        if (!similar) continue;
        const role = candidate === owner && owner !== outflow.destination ? 'recipient owner' : 'recipient';
        match = {
          kind: 'look-alike',
          source: similar.entry.source,
          address: similar.entry.address,
          label: similar.entry.label ?? null,
          candidate,
          why: similar.why,
          aligned: alignAddresses([
            [role, candidate],
            [describeSource(similar.entry.source), similar.entry.address],
          ]),
        };
        break;
      }
    }
    return {
      instruction: outflow.instruction,
      account: outflow.destination,
      owner,
      ownerFrom,
      amount: outflow.amount,
      kind: outflow.kind,
      match,
    };
  });
  const flags: RiskFlag[] = [];
  for (const recipient of recipients) {
    if (recipient.match.kind !== 'look-alike') continue;
    const m = recipient.match;
    flags.push({
      id: 'look-alike-recipient',
      severity: 'severe',
      title: `instruction #${recipient.instruction} pays an address that looks like one the DAO knows (${describeSource(m.source)}) but is not it`,
      evidence: [
        ...m.aligned,
        ...m.why,
        `pays ${recipient.amount.display} to ${recipient.account}${recipient.owner && recipient.owner !== recipient.account ? ` (owner ${recipient.owner})` : ''}`,
      ],
      instructions: [recipient.instruction],
    });
  }
  return { recipients, flags };
}
