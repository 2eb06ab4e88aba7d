// The sequence pool: a prompt goes to the free sequence that already holds the longest prefix of
// it (llama.cpp then evaluates only the rest), ties to the first sequence, waiters in order, and
// every sequence comes back whatever the work did.
import { describe, expect, it } from 'vitest';
import { SequencePool, sharedPrefixChars } from '../../src/llm/sequence-pool.js';

const sequences = () => [{ id: 0 }, { id: 1 }, { id: 2 }];
const tick = () => new Promise((resolve) => setImmediate(resolve));
const use = (pool: SequencePool<{ id: number }>, key?: string) => pool.use(async (s) => s.id, key);

describe('SequencePool', () => {
  it('counts shared leading characters', () => {
    expect(sharedPrefixChars('system|review A', 'system|review B')).toBe(14);
    expect(sharedPrefixChars('', 'x')).toBe(0);
    expect(sharedPrefixChars('abc', 'abc')).toBe(3);
  });

  it('gives a prompt the free sequence whose last prompt shares the longest prefix with it', async () => {
    const pool = new SequencePool(sequences());
    // Three reviews in flight at once land on three sequences.
    const held: Array<(value: number) => void> = [];
    const first = ['rules|A', 'rules|B', 'rules|C'].map((key) =>
      pool.use((s) => new Promise<number>((resolve) => held.push(() => resolve(s.id))), key),
    );
    await tick();
    held.forEach((finish) => finish(0));
    expect(await Promise.all(first)).toEqual([0, 1, 2]);
    // B's retry extends B's prompt: it goes back to B's sequence, not to the first free one.
    expect(await use(pool, 'rules|B|answer|feedback')).toBe(1);
    expect(await use(pool, 'rules|C|answer|feedback')).toBe(2);
    // A prompt sharing only the common rules goes to the first sequence among equals.
    expect(await use(pool, 'rules|D')).toBe(0);
    expect(pool.available).toBe(3);
  });

  it('prefers the first sequence when no prompt is named, and serves waiters in order', async () => {
    const pool = new SequencePool(sequences());
    expect(await use(pool)).toBe(0);
    const order: number[] = [];
    let release: () => void = () => undefined;
    const blockers = [0, 1, 2].map(() =>
      pool.use(
        () =>
          new Promise<void>((resolve) => {
            const previous = release;
            release = () => {
              previous();
              resolve();
            };
          }),
      ),
    );
    const waiting = [1, 2].map((n) =>
      pool.use(async () => {
        order.push(n);
      }),
    );
    await tick();
    expect(pool.waiting).toBe(2);
    release();
    await Promise.all([...blockers, ...waiting]);
    expect(order).toEqual([1, 2]);
    expect(pool.available).toBe(3);
  });

  it('takes the sequence back when the work throws, and refuses work once closed', async () => {
    const pool = new SequencePool(sequences());
    await expect(
      pool.use(async () => {
        throw new Error('boom');
      }, 'k'),
    ).rejects.toThrow('boom');
    expect(pool.available).toBe(3);
    pool.close();
    await expect(use(pool)).rejects.toMatchObject({ code: 'LLM_FAILED' });
  });
});
