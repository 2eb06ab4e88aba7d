// A GGUF v3 writer: metadata key/values and F32 tensors, laid out exactly as llama.cpp reads them
// (little endian, u64 lengths, tensor data aligned to `general.alignment`). It exists so tests and
// `steward model make-test` can produce a real model file on any machine without downloading one.
import { writeFileSync } from 'node:fs';

/** GGUF metadata value types, numbered as in the GGUF specification. */
export const GgufValueType = {
  UINT8: 0,
  INT8: 1,
  UINT16: 2,
  INT16: 3,
  UINT32: 4,
  INT32: 5,
  FLOAT32: 6,
  BOOL: 7,
  STRING: 8,
  ARRAY: 9,
  UINT64: 10,
  INT64: 11,
  FLOAT64: 12,
} as const;

export type GgufScalarType = 'uint8' | 'uint32' | 'int32' | 'float32' | 'bool' | 'uint64' | 'string';

export type GgufValue =
  | { type: 'string'; value: string }
  | { type: 'uint8' | 'uint32' | 'int32' | 'float32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'uint64'; value: bigint }
  | { type: 'array'; of: 'string'; value: readonly string[] }
  | { type: 'array'; of: 'float32' | 'int32' | 'uint32'; value: ArrayLike<number> };

export interface GgufTensor {
  name: string;
  /** Dimensions, innermost first (ggml's ne0, ne1, ...). */
  dims: readonly number[];
  data: Float32Array;
}

const GGML_TYPE_F32 = 0;
const typeIds: Record<GgufScalarType, number> = {
  uint8: GgufValueType.UINT8,
  uint32: GgufValueType.UINT32,
  int32: GgufValueType.INT32,
  float32: GgufValueType.FLOAT32,
  bool: GgufValueType.BOOL,
  uint64: GgufValueType.UINT64,
  string: GgufValueType.STRING,
};

/** Accumulates little-endian chunks; Buffer.concat once at the end keeps writing O(n). */
class ByteSink {
  private readonly chunks: Buffer[] = [];
  length = 0;

  bytes(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }
  u8(value: number): void {
    this.bytes(Buffer.from([value & 0xff]));
  }
  u32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(value >>> 0);
    this.bytes(b);
  }
  i32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(value | 0);
    this.bytes(b);
  }
  u64(value: bigint | number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(value));
    this.bytes(b);
  }
  f32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(value);
    this.bytes(b);
  }
  str(text: string): void {
    const b = Buffer.from(text, 'utf8');
    this.u64(b.length);
    this.bytes(b);
  }
  padTo(alignment: number): void {
    const rest = this.length % alignment;
    if (rest !== 0) this.bytes(Buffer.alloc(alignment - rest));
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

function writeScalar(sink: ByteSink, type: GgufScalarType, value: string | number | boolean | bigint): void {
  switch (type) {
    case 'uint8':
      return sink.u8(Number(value));
    case 'bool':
      return sink.u8(value ? 1 : 0);
    case 'uint32':
      return sink.u32(Number(value));
    case 'int32':
      return sink.i32(Number(value));
    case 'float32':
      return sink.f32(Number(value));
    case 'uint64':
      return sink.u64(BigInt(value));
    case 'string':
      return sink.str(String(value));
    default:
      return type satisfies never;
  }
}

/** Serializes a GGUF v3 file into memory. `general.alignment` is added from `alignment`. */
export function encodeGguf(metadata: Record<string, GgufValue>, tensors: readonly GgufTensor[], alignment = 32): Buffer {
  const sink = new ByteSink();
  sink.bytes(Buffer.from('GGUF', 'ascii'));
  sink.u32(3);
  sink.u64(tensors.length);
  const entries: Array<[string, GgufValue]> = [...Object.entries(metadata), ['general.alignment', { type: 'uint32', value: alignment }]];
  sink.u64(entries.length);
  for (const [key, entry] of entries) {
    sink.str(key);
    if (entry.type === 'array') {
      sink.u32(GgufValueType.ARRAY);
      sink.u32(typeIds[entry.of]);
      sink.u64(entry.value.length);
      for (let i = 0; i < entry.value.length; i++) writeScalar(sink, entry.of, entry.value[i] as string | number);
    } else {
      sink.u32(typeIds[entry.type]);
      writeScalar(sink, entry.type, entry.value);
    }
  }

  const offsets: number[] = [];
  let offset = 0;
  for (const tensor of tensors) {
    const count = tensor.dims.reduce((a, b) => a * b, 1);
    if (count !== tensor.data.length) {
      throw new Error(`GGUF tensor ${tensor.name}: dims [${tensor.dims.join(', ')}] hold ${count} values, data has ${tensor.data.length}`);
    }
    sink.str(tensor.name);
    sink.u32(tensor.dims.length);
    for (const dim of tensor.dims) sink.u64(dim);
    sink.u32(GGML_TYPE_F32);
    sink.u64(offset);
    offsets.push(offset);
    offset = Math.ceil((offset + count * 4) / alignment) * alignment;
  }
  sink.padTo(alignment);
  const dataStart = sink.length;
  tensors.forEach((tensor, index) => {
    const gap = (offsets[index] ?? 0) - (sink.length - dataStart);
    if (gap > 0) sink.bytes(Buffer.alloc(gap));
    sink.bytes(Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
  });
  sink.padTo(alignment);
  return sink.toBuffer();
}

/** Writes a GGUF v3 file and returns its size in bytes. */
export function writeGguf(path: string, metadata: Record<string, GgufValue>, tensors: readonly GgufTensor[], alignment = 32): number {
  const bytes = encodeGguf(metadata, tensors, alignment);
  writeFileSync(path, bytes);
  return bytes.length;
}
