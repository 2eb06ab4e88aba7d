// One evaluation of a prompt's fixed prefix for every sequence of a context.
//
// Every review and every decision starts with the same system prompt (rules, policy, schema
// description): ~1,300 tokens on the generated test model, several hundred on a real one. A
// sequence keeps what it evaluated, so one sequence evaluates that prefix once; but N sequences
// working in parallel would each evaluate it, and with 4 sequences that cost 3 more prefills
// than one by one (measured: 18,607 against 14,456 prompt tokens for 8 reviews, #18), which is
// more than batching the answers saves. llama.cpp (through node-llama-cpp) cannot copy a
// sequence's KV cells to another sequence, but it can save one sequence's state and load it into
// another: the prefix is evaluated on one sequence, saved once, and loaded into any sequence that
// lacks it (a file of the prefix's KV cells: ~11 MB for 1,300 tokens of a 512-wide 4-block F16
// model; loading it costs milliseconds where evaluating it costs a second or more on a CPU).
//
// Concurrent callers with the same prefix wait for the one evaluating it instead of evaluating it
// themselves. Snapshots are kept per prefix (a few at most, least recently used dropped) in a
// private temporary folder removed on close.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { ChatHistoryItem, LlamaContextSequence, Token } from 'node-llama-cpp';
import { commonPrefixLength, historyKey } from './chat-history.js';

/** Prefixes shorter than this are evaluated where they are needed: a state file would cost more. */
export const MIN_SHARED_PREFIX_TOKENS = 64;
export const MAX_SNAPSHOTS = 4;
const MAX_SYSTEM_RENDERINGS = 8;

/** What `prepare` did for one generation (counted for the bench and tests). */
export type PrefixOutcome = 'held' | 'loaded' | 'evaluated' | 'short';

interface Snapshot {
  /** Resolves to the state file once the prefix is evaluated and saved; rejects if that failed. */
  readonly file: Promise<string>;
  /** Callers loading it right now: a dropped snapshot's file is removed once none is. */
  loads: number;
  dropped: boolean;
}

/** The part of node-llama-cpp's sequence this needs. */
export type PrefixSequence = Pick<
  LlamaContextSequence,
  | 'contextTokens'
  | 'nextTokenIndex'
  | 'eraseContextTokenRanges'
  | 'evaluateWithoutGeneratingNewTokens'
  | 'saveStateToFile'
  | 'loadStateFromFile'
>;

export class SharedPrefixes {
  private readonly snapshots = new Map<string, Snapshot>();
  private folder: string | undefined;
  private saved = 0;
  private closed = false;
  /** Per leading system messages: their prompt prefix (null: the template cannot render them alone). */
  private readonly prefixBySystem = new Map<string, readonly Token[] | null>();
  readonly counts: Record<PrefixOutcome, number> = { held: 0, loaded: 0, evaluated: 0, short: 0 };

  /**
   * The tokens of `history`'s prompt that its leading system messages fix: the prompt as the chat
   * template renders it (`render`), up to where it stops agreeing with the system messages
   * rendered alone. Undefined without a leading system message or when nothing follows it.
   * Found once per system text: later prompts with the same system messages are not rendered
   * here again (generation renders them anyway).
   */
  prefixOf(history: readonly ChatHistoryItem[], render: (items: ChatHistoryItem[]) => Token[]): readonly Token[] | undefined {
    let lead = 0;
    while (lead < history.length && history[lead]?.type === 'system') lead++;
    if (lead === 0 || lead === history.length) return undefined;
    const system = history.slice(0, lead);
    const key = historyKey(system);
    let prefix = this.prefixBySystem.get(key);
    if (prefix === undefined) {
      try {
        const alone = render(system);
        const full = render([...history]);
        prefix = full.slice(0, commonPrefixLength(alone, full));
      } catch {
        // A template that cannot render system messages alone: no sharing, generation goes on.
        prefix = null;
      }
      this.prefixBySystem.set(key, prefix);
      if (this.prefixBySystem.size > MAX_SYSTEM_RENDERINGS) this.prefixBySystem.delete(this.prefixBySystem.keys().next().value as string);
    }
    return prefix ?? undefined;
  }

  /**
   * Makes `sequence` hold `prefix` (the leading tokens of the prompt about to be generated on it)
   * before generation: nothing when it already does or the prefix is short, else loads a saved
   * state of that prefix, waiting for another caller that is evaluating it, or evaluates it here
   * and saves it for the others. The sequence may hold more than the prefix afterwards (a loaded
   * state is the prefix exactly; a held one keeps its own tail): generation erases what differs.
   */
  async prepare(sequence: PrefixSequence, prefix: readonly Token[]): Promise<PrefixOutcome> {
    const outcome = await this.ensure(sequence, prefix);
    this.counts[outcome]++;
    return outcome;
  }

  private async ensure(sequence: PrefixSequence, prefix: readonly Token[]): Promise<PrefixOutcome> {
    if (prefix.length < MIN_SHARED_PREFIX_TOKENS || this.closed) return 'short';
    const held = commonPrefixLength(sequence.contextTokens, prefix);
    if (held === prefix.length) return 'held';
    const key = prefixKey(prefix);
    const existing = this.snapshots.get(key);
    if (existing) {
      // Most recently used last, so the oldest is dropped first.
      this.snapshots.delete(key);
      this.snapshots.set(key, existing);
      existing.loads++;
      try {
        const file = await existing.file;
        await sequence.loadStateFromFile(file, { acceptRisk: true });
        return 'loaded';
      } catch {
        // The evaluation that was to produce it failed (its caller got that error); evaluate here.
        if (this.snapshots.get(key) === existing) this.snapshots.delete(key);
      } finally {
        existing.loads--;
        removeIfUnused(existing);
      }
    }
    const file = this.evaluate(sequence, prefix, held);
    const snapshot: Snapshot = { file, loads: 0, dropped: false };
    this.snapshots.set(key, snapshot);
    this.dropOldest();
    try {
      await file;
    } catch (error) {
      if (this.snapshots.get(key) === snapshot) this.snapshots.delete(key);
      throw error;
    }
    return 'evaluated';
  }

  private async evaluate(sequence: PrefixSequence, prefix: readonly Token[], held: number): Promise<string> {
    if (sequence.nextTokenIndex > held) await sequence.eraseContextTokenRanges([{ start: held, end: sequence.nextTokenIndex }]);
    await sequence.evaluateWithoutGeneratingNewTokens(prefix.slice(held) as Token[]);
    this.folder ??= mkdtempSync(join(tmpdir(), 'steward-prefix-'));
    // A new name per save: a dropped snapshot's file may still be being loaded by another caller.
    const file = join(this.folder, `${prefixKey(prefix)}-${++this.saved}.state`);
    await sequence.saveStateToFile(file);
    return file;
  }

  private dropOldest(): void {
    while (this.snapshots.size > MAX_SNAPSHOTS) {
      const [oldest] = this.snapshots;
      if (!oldest) return;
      this.snapshots.delete(oldest[0]);
      oldest[1].dropped = true;
      removeIfUnused(oldest[1]);
    }
  }

  /** The state files on disk now (doctor and tests: at most one per kept snapshot once loads finish). */
  stateFiles(): string[] {
    return this.folder && existsSync(this.folder) ? readdirSync(this.folder).map((name) => join(this.folder as string, name)) : [];
  }

  /** Removes the saved states; later `prepare` calls leave sequences as they are. */
  close(): void {
    this.closed = true;
    this.snapshots.clear();
    if (this.folder) rmSync(this.folder, { recursive: true, force: true });
    this.folder = undefined;
  }
}

/** Removes a dropped snapshot's file once nobody is loading it (a failed one has none). */
function removeIfUnused(snapshot: Snapshot): void {
  if (!snapshot.dropped || snapshot.loads > 0) return;
  snapshot.file.then(
    (file) => rmSync(file, { force: true }),
    () => undefined,
  );
}

function prefixKey(prefix: readonly Token[]): string {
  return createHash('sha256')
    .update(Uint32Array.from(prefix as readonly number[]))
    .digest('hex')
    .slice(0, 32);
}
