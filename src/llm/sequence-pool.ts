// Hands out the sequences of one llama.cpp context to concurrent callers. A caller that finds all
// sequences busy waits its turn (FIFO); every sequence comes back through `use`'s finally, so a
// thrown error or an aborted generation can never leak one (node-llama-cpp throws
// "No sequences left" once they are gone, which is how LangChain's ChatLlamaCpp fails).
import type { LlamaContextSequence } from 'node-llama-cpp';
import { StewardError } from '../errors/index.js';

export class SequencePool {
  private readonly free: LlamaContextSequence[] = [];
  private readonly waiters: Array<(sequence: LlamaContextSequence) => void> = [];
  private closed = false;
  readonly size: number;

  constructor(sequences: readonly LlamaContextSequence[]) {
    this.free.push(...sequences);
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
  async use<T>(work: (sequence: LlamaContextSequence) => Promise<T>): Promise<T> {
    const sequence = await this.acquire();
    try {
      return await work(sequence);
    } finally {
      this.release(sequence);
    }
  }

  private acquire(): Promise<LlamaContextSequence> {
    if (this.closed) {
      return Promise.reject(new StewardError('LLM_FAILED', 'the local model was closed while a generation was requested', {
        hint: 'Keep the chat model open until every decision that uses it has finished.',
      }));
    }
    const sequence = this.free.pop();
    if (sequence) return Promise.resolve(sequence);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private release(sequence: LlamaContextSequence): void {
    const next = this.waiters.shift();
    if (next) next(sequence);
    else this.free.push(sequence);
  }

  close(): void {
    this.closed = true;
  }
}
