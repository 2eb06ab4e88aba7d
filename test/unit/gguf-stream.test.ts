// The streaming GGUF writer: F16 conversion, files written chunk by chunk that equal the in-memory
// encoding, F16 model files that llama.cpp's reader takes with the right tensor types, and
// tensors larger than one chunk.
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';
import { describe, expect, it } from 'vitest';
import { float16Bits, float16Value } from '../../src/llm/gguf/float16.js';
import { buildTinyLlama, streamGguf, writeTinyLlama, type GgufTensorSource } from '../../src/llm/index.js';
import { tempDir } from '../helpers/tmp.js';

describe('float16', () => {
  it('encodes exact, rounded, subnormal, overflowing and special values', () => {
    const cases: Array<[number, number]> = [
      [0, 0x0000],
      [-0, 0x8000],
      [1, 0x3c00],
      [-2, 0xc000],
      [0.5, 0x3800],
      [65504, 0x7bff],
      [65520, 0x7c00],
      [1e6, 0x7c00],
      [-1e6, 0xfc00],
      [0.1, 0x2e66],
      [2 ** -14, 0x0400],
      [2 ** -24, 0x0001],
      [2 ** -25, 0x0000],
      [1.5 * 2 ** -25, 0x0001],
      [1e-9, 0x0000],
      [1 + 2 ** -11, 0x3c00],
      [1 + 3 * 2 ** -11, 0x3c02],
      [Number.POSITIVE_INFINITY, 0x7c00],
    ];
    for (const [value, bits] of cases) expect([value, float16Bits(value)]).toEqual([value, bits]);
    expect(Number.isNaN(float16Value(float16Bits(Number.NaN)))).toBe(true);
  });

  it('round-trips random weights within half a unit in the last place', () => {
    let state = 1;
    for (let i = 0; i < 20_000; i++) {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      const value = (state / 2 ** 31 - 0.5) * 2 ** ((i % 30) - 15);
      const back = float16Value(float16Bits(value));
      if (Math.abs(value) >= 2 ** -14) expect(Math.abs(back - value)).toBeLessThanOrEqual(Math.abs(value) * 2 ** -11);
      else expect(Math.abs(back - value)).toBeLessThanOrEqual(2 ** -25);
    }
  });
});

describe('streamed GGUF files', () => {
  const options = { seed: 9, embeddingLength: 96, blockCount: 2, headCount: 4, feedForwardLength: 160 };

  it('writes the same bytes as the in-memory build', () => {
    const path = join(tempDir(), 'f32.gguf');
    const size = writeTinyLlama(path, options);
    const memory = buildTinyLlama(options);
    expect(size).toBe(memory.length);
    expect(readFileSync(path).equals(memory)).toBe(true);
  });

  it("writes F16 matrices that llama.cpp reads: random halves of the F32 weights' scale, the same per seed", async () => {
    const dir = tempDir();
    const f16 = join(dir, 'f16.gguf');
    const f32 = join(dir, 'f32.gguf');
    writeTinyLlama(f16, { ...options, tensorType: 'f16' });
    writeTinyLlama(f32, options);
    expect(statSync(f16).size).toBeLessThan(statSync(f32).size * 0.6);
    const again = join(dir, 'again.gguf');
    writeTinyLlama(again, { ...options, tensorType: 'f16' });
    expect(readFileSync(again).equals(readFileSync(f16))).toBe(true);
    writeTinyLlama(again, { ...options, seed: 10, tensorType: 'f16' });
    expect(readFileSync(again).equals(readFileSync(f16))).toBe(false);

    const info = await readGgufFileInfo(f16, { sourceType: 'filesystem', logWarnings: false });
    const tensors = info.fullTensorInfo ?? [];
    const down = tensors.find((t) => t.name === 'blk.1.ffn_down.weight');
    expect([down?.ggmlType, down?.dimensions.map(Number)]).toEqual([1, [160, 96]]);
    expect(tensors.find((t) => t.name === 'output_norm.weight')?.ggmlType).toBe(0);
    expect((info.metadata as { general: { file_type: number } }).general.file_type).toBe(1);

    // The last tensor's values, read where llama.cpp's reader says they are.
    const count = 160 * 96;
    const halves = Buffer.alloc(count * 2);
    const fd = openSync(f16, 'r');
    try {
      readSync(fd, halves, 0, halves.length, Number(down?.fileOffset));
    } finally {
      closeSync(fd);
    }
    let negative = 0;
    for (let i = 0; i < count; i++) {
      const value = float16Value(halves.readUInt16LE(i * 2));
      expect(Math.abs(value)).toBeGreaterThanOrEqual(2 ** -9);
      expect(Math.abs(value)).toBeLessThan(2 ** -5);
      if (value < 0) negative++;
    }
    expect(negative / count).toBeGreaterThan(0.45);
    expect(negative / count).toBeLessThan(0.55);
  });

  it('streams a tensor larger than one chunk in order, each value where it belongs', () => {
    const count = 4 * 2 ** 20 + 1000;
    const starts: number[] = [];
    const source: GgufTensorSource = {
      name: 'big',
      dims: [count],
      type: 'f16',
      fill(target, start) {
        starts.push(start);
        for (let i = 0; i < target.length; i++) target[i] = (start + i) % 2048;
      },
    };
    const chunks: Buffer[] = [];
    const total = streamGguf({}, [source], (chunk) => chunks.push(Buffer.from(chunk)));
    const file = Buffer.concat(chunks);
    expect(file.length).toBe(total);
    expect(starts).toEqual([0, 4 * 2 ** 20]);
    const data = file.subarray(file.length - Math.ceil((count * 2) / 32) * 32);
    for (const i of [0, 1, 2047, 2048, 4 * 2 ** 20 - 1, 4 * 2 ** 20, count - 1])
      expect(float16Value(data.readUInt16LE(i * 2))).toBe(i % 2048);
  });
});
