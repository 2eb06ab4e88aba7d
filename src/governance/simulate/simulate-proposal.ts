// Runs a proposal through simulateTransaction and reads the post-state of the treasury accounts
// and of every account its instructions write: real balance and authority changes, not claims.
// Two paths, the report says which ran:
//   program       — the governance program's own ExecuteTransaction, against the proposal as it
//                   would be once its vote succeeded and the hold-up passed (execution-state.ts),
//                   the governance PDAs signing by CPI as they would on execution; needs a chain
//                   that simulates with an account replaced (the embedded chain's
//                   steward_simulateTransaction);
//   instructions  — the inner instructions as one transaction, signatures not verified (the
//                   fallback wherever the program path cannot run: a real cluster, no program).
// Where the chain cannot run them (a program is not deployed), the report says so instead of guessing.
import { TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID, unpackAccount, type Account } from '@solana/spl-token';
import {
  Keypair,
  PublicKey,
  SystemProgram,
  TransactionMessage,
  VersionedTransaction,
  type AccountInfo,
  type Connection,
  type SimulatedTransactionResponse,
  type TransactionInstruction,
} from '@solana/web3.js';
import { DEFAULT_SIMULATION_ROUNDS, simulateBetweenReads, type BetweenReadsSlots } from '../../chain/simulate-between-reads.js';
import { StewardError } from '../../errors/index.js';
import { redactUrl } from '../../shared/index.js';
import type { TreasuryIndex } from '../treasury-context.js';
import { executeTransactionInstructions, succeededProposalData, type ProposalExecution } from './execution-state.js';
import { rpcCall } from '../../chain/rpc.js';

export interface TokenState {
  mint: string;
  owner: string;
  amount: bigint;
  delegate: string | null;
  delegatedAmount: bigint;
  closeAuthority: string | null;
}

export interface AccountState {
  lamports: bigint;
  program: string;
  token: TokenState | null;
  /** For a BPF upgradeable loader ProgramData account: its upgrade authority (null: immutable). */
  upgradeAuthority?: string | null;
}

/** One authority of an account before and after: owner, delegate, close or upgrade authority, owning program. */
export interface AuthorityChange {
  what: 'owner' | 'delegate' | 'close authority' | 'upgrade authority' | 'owning program' | 'account closed';
  before: string | null;
  after: string | null;
  /** Delegate allowances (base units) before and after. */
  amounts?: { before: bigint; after: bigint };
}

export interface AccountChange {
  address: string;
  treasury: boolean;
  before: AccountState | null;
  after: AccountState | null;
  lamportsDelta: bigint;
  /** Token balance change in base units; null when the account is not a token account before and after. */
  tokenDelta: bigint | null;
  mint: string | null;
  /** Owner, delegate and close-authority changes, as sentences. */
  authorityChanges: string[];
  /** The same changes (and upgrade-authority ones), before → after. */
  authorities: AuthorityChange[];
}

export type SimulationReport =
  | {
      status: 'simulated';
      ok: boolean;
      error: string | null;
      logs: string[];
      unitsConsumed: number | null;
      feePayer: string;
      changes: AccountChange[];
      /** 'program': ExecuteTransaction through the governance program; 'instructions': the inner instructions with signers faked. */
      path: SimulationPath;
      /** Why the program path did not run, when it was asked for. */
      fallback: string | null;
      /** Context slots of the pre-state reads around the simulation and of the simulation itself. */
      slots: BetweenReadsSlots;
      /** Rounds taken; more than one when a treasury account moved during a round. */
      rounds: number;
    }
  | { status: 'not-simulated'; reason: string };

export type SimulationPath = 'program' | 'instructions';

export interface SimulateProposalParams {
  instructions: readonly TransactionInstruction[];
  /** The proposal to run through the governance program's ExecuteTransaction, where the chain can. */
  execution?: ProposalExecution;
  /** Unix seconds the execution state is built for (default: now). */
  now?: number;
  treasury: TreasuryIndex;
  /** Accounts to watch besides every writable account of the instructions. */
  watch?: readonly string[];
  /** Rounds of read → simulate → read again while treasury accounts move meanwhile (default 3). */
  maxRounds?: number;
}

type Simulated =
  { kind: 'ran'; value: SimulatedTransactionResponse; path: SimulationPath } | { kind: 'refused'; reason: string } | { kind: 'skipped' };

/** What the made-up fee payer of a program-path simulation holds. */
const FEE_PAYER_LAMPORTS = 1_000_000_000;
/** JSON-RPC "Method not found": a real cluster has no steward_* methods. */
const METHOD_NOT_FOUND = -32601;

interface ProgramPath {
  transaction: VersionedTransaction;
  /** A funded account made up for this simulation: ExecuteTransaction may be sent by anyone, so the treasury pays no fee. */
  feePayer: string;
  overrides: { pubkey: string; account: { lamports: number; data: [string, 'base64']; owner: string; executable: boolean } }[];
}

/** The ExecuteTransaction transaction and the succeeded proposal, or why the program path cannot run. */
async function programPath(connection: Connection, execution: ProposalExecution, now: number): Promise<ProgramPath | string> {
  const feePayer = Keypair.generate().publicKey.toBase58();
  let program;
  let proposal;
  try {
    [program, proposal] = await rpcCall('getMultipleAccounts', connection.rpcEndpoint, () =>
      connection.getMultipleAccountsInfo([execution.programId, execution.proposal], 'confirmed'),
    );
  } catch (error) {
    return `reading the governance program and the proposal failed: ${(error as Error).message}`;
  }
  if (!program?.executable) return `the governance program ${execution.programId.toBase58()} is not deployed on this cluster`;
  if (!proposal) return `the proposal ${execution.proposal.toBase58()} is missing`;
  const holdUp = Math.max(0, ...execution.transactions.map((t) => t.holdUpSeconds));
  let data: Buffer;
  try {
    data = succeededProposalData(proposal, now, holdUp);
  } catch (error) {
    return `the proposal account could not be rewritten as succeeded: ${(error as Error).message}`;
  }
  const instructions = await executeTransactionInstructions(execution);
  let transaction: VersionedTransaction;
  try {
    const message = new TransactionMessage({
      payerKey: new PublicKey(feePayer),
      recentBlockhash: PLACEHOLDER_BLOCKHASH,
      instructions,
    }).compileToLegacyMessage();
    transaction = new VersionedTransaction(message);
    transaction.serialize();
  } catch (error) {
    return `ExecuteTransaction for ${execution.transactions.length} transaction(s) does not fit one transaction: ${(error as Error).message}`;
  }
  // Rent-exempt at its new size, as the program keeps it.
  const rentExempt = (128 + data.length) * 3_480 * 2;
  const account = {
    lamports: Math.max(proposal.lamports, rentExempt),
    data: [data.toString('base64'), 'base64'] as [string, 'base64'],
    owner: proposal.owner.toBase58(),
    executable: false,
  };
  const payer = {
    lamports: FEE_PAYER_LAMPORTS,
    data: ['', 'base64'] as [string, 'base64'],
    owner: SystemProgram.programId.toBase58(),
    executable: false,
  };
  return {
    transaction,
    feePayer,
    overrides: [
      { pubkey: execution.proposal.toBase58(), account },
      { pubkey: feePayer, account: payer },
    ],
  };
}

/** steward_simulateTransaction: the embedded chain's simulateTransaction with accounts replaced for it. */
async function simulateWithOverrides(
  connection: Connection,
  path: ProgramPath,
  config: Record<string, unknown>,
): Promise<{ slot: number; value: SimulatedTransactionResponse } | 'unsupported'> {
  const request = (
    connection as unknown as {
      _rpcRequest(
        method: string,
        args: unknown[],
      ): Promise<{
        result?: { context: { slot: number }; value: SimulatedTransactionResponse };
        error?: { code: number; message: string };
      }>;
    }
  )._rpcRequest;
  const answer = await request.call(connection, 'steward_simulateTransaction', [
    Buffer.from(path.transaction.serialize()).toString('base64'),
    { encoding: 'base64', ...config },
    path.overrides,
  ]);
  if (answer.error?.code === METHOD_NOT_FOUND) return 'unsupported';
  // eslint-disable-next-line no-restricted-syntax -- caught by the caller, which falls back and says why in the review
  if (answer.error || !answer.result) throw new Error(answer.error?.message ?? 'no result');
  return { slot: answer.result.context.slot, value: answer.result.value };
}

/** One pre-state from several reads: lamports and token amount the largest (`larger`) or smallest observed. */
function boundState(observed: readonly (AccountState | null)[], larger: boolean): AccountState | null {
  const better = (a: bigint, b: bigint) => (larger ? a > b : a < b);
  const [first, ...rest] = observed;
  let shape = first ?? null;
  let lamports = first?.lamports ?? 0n;
  for (const next of rest) {
    if (better(next?.token?.amount ?? 0n, shape?.token?.amount ?? 0n)) shape = next;
    if (better(next?.lamports ?? 0n, lamports)) lamports = next?.lamports ?? 0n;
  }
  return shape && { ...shape, lamports };
}

/** Most accounts a simulation is asked to return (RPC nodes cap the list). */
const MAX_WATCHED = 64;
const PLACEHOLDER_BLOCKHASH = PublicKey.default.toBase58();

function tokenState(address: PublicKey, info: AccountInfo<Buffer>): TokenState | null {
  const program = info.owner;
  if (!program.equals(TOKEN_PROGRAM_ID) && !program.equals(TOKEN_2022_PROGRAM_ID)) return null;
  let account: Account;
  try {
    account = unpackAccount(address, info, program);
  } catch {
    return null; // a mint or another token-program account
  }
  return {
    mint: account.mint.toBase58(),
    owner: account.owner.toBase58(),
    amount: account.amount,
    delegate: account.delegate?.toBase58() ?? null,
    delegatedAmount: account.delegatedAmount,
    closeAuthority: account.closeAuthority?.toBase58() ?? null,
  };
}

const UPGRADEABLE_LOADER = 'BPFLoaderUpgradeab1e11111111111111111111111';

/** The upgrade authority of a ProgramData account (tag 3, slot, Option<authority>); undefined for anything else. */
function upgradeAuthorityOf(info: AccountInfo<Buffer>): string | null | undefined {
  if (info.owner.toBase58() !== UPGRADEABLE_LOADER || info.data.length < 45 || info.data.readUInt32LE(0) !== 3) return undefined;
  return info.data[12] === 1 ? new PublicKey(info.data.subarray(13, 45)).toBase58() : null;
}

function state(address: PublicKey, info: AccountInfo<Buffer> | null): AccountState | null {
  if (!info || info.lamports === 0) return null;
  const upgradeAuthority = upgradeAuthorityOf(info);
  return {
    lamports: BigInt(info.lamports),
    program: info.owner.toBase58(),
    token: tokenState(address, info),
    ...(upgradeAuthority === undefined ? {} : { upgradeAuthority }),
  };
}

function authorityChanges(before: AccountState | null, after: AccountState | null): AuthorityChange[] {
  const changes: AuthorityChange[] = [];
  const a = before?.token;
  const b = after?.token;
  if (a && !after) changes.push({ what: 'account closed', before: a.owner, after: null });
  if (a && b) {
    if (a.owner !== b.owner) changes.push({ what: 'owner', before: a.owner, after: b.owner });
    if (a.delegate !== b.delegate || a.delegatedAmount !== b.delegatedAmount)
      changes.push({
        what: 'delegate',
        before: a.delegate,
        after: b.delegate,
        amounts: { before: a.delegatedAmount, after: b.delegatedAmount },
      });
    if (a.closeAuthority !== b.closeAuthority) changes.push({ what: 'close authority', before: a.closeAuthority, after: b.closeAuthority });
  }
  if (
    before?.upgradeAuthority !== undefined &&
    after?.upgradeAuthority !== undefined &&
    before.upgradeAuthority !== after.upgradeAuthority
  ) {
    changes.push({ what: 'upgrade authority', before: before.upgradeAuthority, after: after.upgradeAuthority });
  }
  if (before && after && before.program !== after.program)
    changes.push({ what: 'owning program', before: before.program, after: after.program });
  return changes;
}

function describeChange(change: AuthorityChange): string {
  if (change.what === 'account closed') return 'token account closed';
  if (change.what === 'delegate')
    return `delegate ${change.before ?? 'none'} (${change.amounts?.before ?? 0n}) → ${change.after ?? 'none'} (${change.amounts?.after ?? 0n})`;
  return `${change.what} ${change.before ?? 'none'} → ${change.after ?? 'none'}`;
}

export async function simulateProposal(connection: Connection, params: SimulateProposalParams): Promise<SimulationReport> {
  const { instructions, treasury } = params;
  if (instructions.length === 0) return { status: 'not-simulated', reason: 'the proposal has no instructions' };
  const programs = [...new Set(instructions.map((ix) => ix.programId.toBase58()))];
  // A node returns post-state only for as many accounts as the transaction has, so watch the
  // accounts the instructions write (the only ones that can change), plus any asked for.
  const writable = instructions.flatMap((ix) => ix.keys.filter((k) => k.isWritable).map((k) => k.pubkey.toBase58()));
  const accountCount = new Set([...instructions.flatMap((ix) => [ix.programId.toBase58(), ...ix.keys.map((k) => k.pubkey.toBase58())])])
    .size;
  const watched = [...new Set([...writable, ...(params.watch ?? [])])].slice(0, Math.min(MAX_WATCHED, accountCount));

  const signers = instructions.flatMap((ix) => ix.keys.filter((k) => k.isSigner).map((k) => k.pubkey.toBase58()));
  // The governance program signs for its PDAs when it executes; with signature checks off the
  // simulation may let the treasury itself pay the fee, as it funds the execution anyway.
  // A signer that holds data (the governance account itself) cannot pay fees: the treasury does.
  const feePayer = signers.find((s) => treasury.owners.has(s)) ?? treasury.context.owners[0] ?? signers[0];
  const message = feePayer
    ? new TransactionMessage({
        payerKey: new PublicKey(feePayer),
        recentBlockhash: PLACEHOLDER_BLOCKHASH,
        instructions: [...instructions],
      }).compileToLegacyMessage()
    : undefined;
  const transaction = message && new VersionedTransaction(message);
  const keys = [...programs, ...watched].map((a) => new PublicKey(a));
  let program: ProgramPath | null = null;
  let fallback: string | null = null;
  if (params.execution && feePayer) {
    const built = await programPath(connection, params.execution, params.now ?? Math.floor(Date.now() / 1000));
    if (typeof built === 'string') fallback = built;
    else program = built;
  }
  const isTreasuryAccount = (address: string, info: AccountInfo<Buffer> | null) => {
    const token = info ? tokenState(new PublicKey(address), info) : null;
    return treasury.isTreasury(address, token?.mint ?? null) || (token !== null && treasury.owners.has(token.owner));
  };

  // Pre-state read before and again after the simulation (see src/chain/simulate-between-reads.ts):
  // a treasury account moving meanwhile would otherwise show up as the proposal's doing.
  const round = await simulateBetweenReads<Simulated>({
    read: async (minContextSlot) => {
      let answer;
      try {
        answer = await rpcCall('getMultipleAccounts', connection.rpcEndpoint, () =>
          connection.getMultipleAccountsInfoAndContext(keys, {
            commitment: 'confirmed',
            ...(minContextSlot !== undefined ? { minContextSlot } : {}),
          }),
        );
      } catch (error) {
        throw new StewardError(
          error instanceof StewardError ? error.code : 'RPC_FAILED',
          `reading accounts around the simulation from ${redactUrl(connection.rpcEndpoint)} failed: ${(error as Error).message}`,
          {
            hint: 'check the cluster URL (--url)',
            cause: error,
          },
        );
      }
      return { accounts: answer.value, minSlot: answer.context.slot, maxSlot: answer.context.slot };
    },
    simulate: async (minContextSlot, before) => {
      if (!transaction || programs.some((_, i) => !before.accounts[i]?.executable))
        return { slot: minContextSlot, result: { kind: 'skipped' } };
      const config = {
        sigVerify: false,
        replaceRecentBlockhash: true,
        commitment: 'confirmed' as const,
        minContextSlot,
        accounts: { encoding: 'base64' as const, addresses: watched },
      };
      try {
        if (program) {
          const ran = await simulateWithOverrides(connection, program, config);
          if (ran !== 'unsupported') return { slot: ran.slot, result: { kind: 'ran', value: ran.value, path: 'program' } };
          program = null;
          fallback =
            'this cluster cannot simulate with the proposal rewritten as succeeded (no steward_simulateTransaction; a real cluster)';
        }
        const result = await rpcCall('simulateTransaction', connection.rpcEndpoint, () =>
          connection.simulateTransaction(transaction, config),
        );
        return { slot: result.context.slot, result: { kind: 'ran', value: result.value, path: 'instructions' } };
      } catch (error) {
        return {
          slot: minContextSlot,
          result: { kind: 'refused', reason: `the node refused the simulation: ${error instanceof Error ? error.message : String(error)}` },
        };
      }
    },
    // Undeployed programs, no fee payer or a refused simulation end the review of the simulation at once.
    final: (result) => result.kind !== 'ran',
    matters: (i, before, after) =>
      i >= programs.length &&
      (isTreasuryAccount(watched[i - programs.length] ?? '', before) || isTreasuryAccount(watched[i - programs.length] ?? '', after)),
    maxRounds: params.maxRounds ?? DEFAULT_SIMULATION_ROUNDS,
  });
  const pre = round.before.accounts;
  const missing = programs.filter((_, i) => !pre[i]?.executable);
  if (missing.length > 0) {
    return {
      status: 'not-simulated',
      reason: `program ${missing.join(', ')} is not deployed on this cluster, so the proposal cannot run here; the review relies on decoding alone`,
    };
  }
  if (!feePayer) return { status: 'not-simulated', reason: 'no instruction names a signer and the treasury has no owner to pay the fee' };
  const simulated = round.simulation;
  if (simulated.kind === 'refused') return { status: 'not-simulated', reason: simulated.reason };
  if (simulated.kind === 'skipped') return { status: 'not-simulated', reason: 'nothing to simulate' };
  const { slots, rounds } = round;
  if (round.moved.length > 0) {
    const moved = round.moved.map((i) => watched[i - programs.length]).join(', ');
    return {
      status: 'not-simulated',
      reason: `treasury account(s) ${moved} changed between the reads around the simulation in each of ${rounds} rounds (last: slots ${slots.pre}, ${slots.simulation}, ${slots.recheck}), so the proposal's effect on them cannot be measured from one moment; review again shortly`,
    };
  }
  const value = simulated.value;
  const post = value.accounts ?? [];
  const changes: AccountChange[] = [];
  watched.forEach((address, i) => {
    const key = new PublicKey(address);
    const observed = [state(key, pre[programs.length + i] ?? null), state(key, round.after.accounts[programs.length + i] ?? null)];
    const raw = post[i];
    const afterInfo: AccountInfo<Buffer> | null = raw
      ? {
          lamports: raw.lamports,
          owner: new PublicKey(raw.owner),
          executable: raw.executable,
          rentEpoch: raw.rentEpoch ?? 0,
          data: Buffer.from(raw.data[0] ?? '', 'base64'),
        }
      : null;
    const treasuryAccount = isTreasuryAccount(address, pre[programs.length + i] ?? null) || isTreasuryAccount(address, afterInfo);
    // Outflows against the larger observed balance for the treasury, gains against the smaller elsewhere.
    const before = boundState(observed, treasuryAccount);
    const after = value.err ? before : state(key, afterInfo);
    const lamportsDelta = (after?.lamports ?? 0n) - (before?.lamports ?? 0n);
    const tokenDelta = before?.token || after?.token ? (after?.token?.amount ?? 0n) - (before?.token?.amount ?? 0n) : null;
    const authorities = authorityChanges(before, after);
    if (lamportsDelta === 0n && (tokenDelta ?? 0n) === 0n && authorities.length === 0 && (before === null) === (after === null)) return;
    const mint = after?.token?.mint ?? before?.token?.mint ?? null;
    changes.push({
      address,
      treasury: treasury.isTreasury(address, mint),
      before,
      after,
      lamportsDelta,
      tokenDelta,
      mint,
      authorityChanges: authorities.map(describeChange),
      authorities,
    });
  });
  return {
    status: 'simulated',
    ok: value.err === null,
    error: value.err === null ? null : JSON.stringify(value.err),
    logs: value.logs ?? [],
    unitsConsumed: value.unitsConsumed ?? null,
    feePayer: simulated.path === 'program' && program ? program.feePayer : feePayer,
    changes,
    slots,
    rounds,
    path: simulated.path,
    fallback: simulated.path === 'program' ? null : fallback,
  };
}
