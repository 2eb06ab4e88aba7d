// Hands out the sequences of one llama.cpp context to concurrent callers. A caller that finds all
// sequences busy waits its turn (FIFO); every sequence comes back through `use`'s finally, so a
// thrown error or an aborted generation can never leak one (node-llama-cpp throws
// "No sequences left" once they are gone, which is how LangChain's ChatLlamaCpp fails).
//
// A caller may name its prompt (`key`, the prompt as text): among the free sequences it then gets
// the one whose last prompt shares the longest prefix with it, because llama.cpp keeps a
// sequence's evaluated tokens and only evaluates what differs. A review's retry (its own prompt,
// its answer and the feedback) thus lands on the sequence that already holds its prompt instead
// of evaluating ~1,000 tokens again on a sequence another review left. Ties go to the sequence
// created first (the lowest sequence id: llama.cpp decodes consecutive ids in one step).
import type { LlamaContextSequence } from 'node-llama-cpp';
import { StewardError } from '../errors/index.js';

/** How many leading characters `a` and `b` share. */
export function sharedPrefixChars(a: string, b: string): number {
  const limit = Math.min(a.length, b.length);
  let i = 0;
  while (i < limit && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

export class SequencePool<S extends object = LlamaContextSequence> {
  private readonly free: S[] = [];
  private readonly waiters: Array<(sequence: S) => void> = [];
  private readonly lastKey = new Map<S, string>();
  private readonly order = new Map<S, number>();
  private closed = false;
  readonly size: number;

  constructor(sequences: readonly S[]) {
    this.free.push(...sequences);
    sequences.forEach((sequence, index) => this.order.set(sequence, index));
    this.size = sequences.length;
  }

  /** Sequences not lent out right now (equals `size` when nothing is in flight). */
  get available(): number {
    return this.free.length;
  }

  /** Callers waiting for a sequence. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Runs `work` with a sequence of its own, returned to the pool whatever happens. */
  async use<T>(work: (sequence: S) => Promise<T>, key?: string): Promise<T> {
    const sequence = await this.acquire(key);
    try {
      return await work(sequence);
    } finally {
      if (key === undefined) this.lastKey.delete(sequence);
      else this.lastKey.set(sequence, key);
      this.release(sequence);
    }
  }

  private acquire(key: string | undefined): Promise<S> {
    if (this.closed) {
      return Promise.reject(
        new StewardError('LLM_FAILED', 'the local model was closed while a generation was requested', {
          hint: 'Keep the chat model open until every decision that uses it has finished.',
        }),
      );
    }
    if (this.free.length === 0) return new Promise((resolve) => this.waiters.push(resolve));
    let best = 0;
    let bestShared = -1;
    this.free.forEach((sequence, index) => {
      const last = this.lastKey.get(sequence);
      const shared = key === undefined || last === undefined ? 0 : sharedPrefixChars(key, last);
      if (shared > bestShared || (shared === bestShared && this.rank(sequence) < this.rank(this.free[best] as S))) {
        best = index;
        bestShared = shared;
      }
    });
    const [sequence] = this.free.splice(best, 1);
    return Promise.resolve(sequence as S);
  }

  private rank(sequence: S): number {
    return this.order.get(sequence) ?? 0;
  }

  private release(sequence: S): void {
    const next = this.waiters.shift();
    if (next) next(sequence);
    else this.free.push(sequence);
  }

  close(): void {
    this.closed = true;
  }
}
