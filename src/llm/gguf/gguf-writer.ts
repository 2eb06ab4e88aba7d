// A GGUF v3 writer: metadata key/values and F32 or F16 tensors, laid out exactly as llama.cpp reads
// them (little endian, u64 lengths, tensor data aligned to `general.alignment`). It exists so tests
// and `steward model make-test` can produce a real model file on any machine without downloading
// one. Tensor data is streamed chunk by chunk, so a file of billions of weights (a GPU bench model)
// never has to sit in memory whole: Node refuses a single write over 2 GiB and a Buffer over 4 GiB.
import { closeSync, openSync, writeSync } from 'node:fs';
import { StewardError } from '../../errors/index.js';
import { float16Bits } from './float16.js';

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

/** How a tensor's values are stored in the file. */
export type GgufTensorType = 'f32' | 'f16';

/**
 * A tensor whose values are produced on demand, in order, while the file is written: as numbers
 * (converted to the tensor's type), or for F16 tensors as the raw half-precision bits.
 */
export type GgufTensorSource = {
  name: string;
  /** Dimensions, innermost first (ggml's ne0, ne1, ...). */
  dims: readonly number[];
} & (
  | {
      type: GgufTensorType;
      /** Fills `target` with the values from element `start` on; called with increasing `start`. */
      fill(target: Float32Array, start: number): void;
    }
  | {
      type: 'f16';
      /** Fills `target` with the IEEE binary16 bits of the values from element `start` on. */
      fillBits(target: Uint16Array, start: number): void;
    }
);

const ggmlTypes: Record<GgufTensorType, { id: number; bytes: number }> = {
  f32: { id: 0, bytes: 4 },
  f16: { id: 1, bytes: 2 },
};
/** Values converted and written per chunk (16 MiB of F32). */
const CHUNK_VALUES = 4 * 2 ** 20;
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

function elementCount(tensor: { name: string; dims: readonly number[] }): number {
  return tensor.dims.reduce((a, b) => a * b, 1);
}

/** The header (metadata, tensor infos, padding) and where each tensor's data starts after it. */
function encodeHeader(
  metadata: Record<string, GgufValue>,
  tensors: readonly GgufTensorSource[],
  alignment: number,
): { header: Buffer; offsets: number[]; dataBytes: number } {
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
    const { id, bytes } = ggmlTypes[tensor.type];
    sink.str(tensor.name);
    sink.u32(tensor.dims.length);
    for (const dim of tensor.dims) sink.u64(dim);
    sink.u32(id);
    sink.u64(offset);
    offsets.push(offset);
    offset = Math.ceil((offset + elementCount(tensor) * bytes) / alignment) * alignment;
  }
  sink.padTo(alignment);
  return { header: sink.toBuffer(), offsets, dataBytes: offset };
}

/**
 * Streams a GGUF v3 file to `write` in chunks of at most 16 MiB of tensor data: the header, then
 * each tensor at its aligned offset, values converted to the tensor's type as they come.
 * Returns the number of bytes written. `general.alignment` is added from `alignment`.
 */
export function streamGguf(
  metadata: Record<string, GgufValue>,
  tensors: readonly GgufTensorSource[],
  write: (chunk: Uint8Array) => void,
  alignment = 32,
): number {
  const { header, offsets, dataBytes } = encodeHeader(metadata, tensors, alignment);
  write(header);
  let written = 0;
  const values = new Float32Array(CHUNK_VALUES);
  const halves = new Uint16Array(CHUNK_VALUES);
  tensors.forEach((tensor, index) => {
    const gap = (offsets[index] ?? 0) - written;
    if (gap > 0) write(new Uint8Array(gap));
    written += Math.max(0, gap);
    const count = elementCount(tensor);
    for (let start = 0; start < count; start += CHUNK_VALUES) {
      const length = Math.min(CHUNK_VALUES, count - start);
      if ('fillBits' in tensor) {
        const bits = halves.subarray(0, length);
        tensor.fillBits(bits, start);
        write(new Uint8Array(bits.buffer, 0, length * 2));
        written += length * 2;
        continue;
      }
      const chunk = values.subarray(0, length);
      tensor.fill(chunk, start);
      if (tensor.type === 'f32') {
        write(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        written += chunk.byteLength;
      } else {
        for (let i = 0; i < chunk.length; i++) halves[i] = float16Bits(chunk[i] as number);
        write(new Uint8Array(halves.buffer, 0, chunk.length * 2));
        written += chunk.length * 2;
      }
    }
  });
  if (dataBytes > written) write(new Uint8Array(dataBytes - written));
  return header.length + dataBytes;
}

/** In-memory tensors as sources (F32, copied as they are). */
function fromData(tensors: readonly GgufTensor[]): GgufTensorSource[] {
  return tensors.map((tensor) => {
    const count = elementCount(tensor);
    if (count !== tensor.data.length) {
      throw new StewardError(
        'ARGUMENT_INVALID',
        `GGUF tensor ${tensor.name}: dims [${tensor.dims.join(', ')}] hold ${count} values, data has ${tensor.data.length}`,
        {
          context: { tensor: tensor.name, values: count, data: tensor.data.length },
        },
      );
    }
    return {
      name: tensor.name,
      dims: tensor.dims,
      type: 'f32',
      fill: (target, start) => target.set(tensor.data.subarray(start, start + target.length)),
    };
  });
}

/** Serializes a GGUF v3 file with F32 tensors into memory. `general.alignment` is added from `alignment`. */
export function encodeGguf(metadata: Record<string, GgufValue>, tensors: readonly GgufTensor[], alignment = 32): Buffer {
  const chunks: Buffer[] = [];
  streamGguf(metadata, fromData(tensors), (chunk) => chunks.push(Buffer.from(chunk)), alignment);
  return Buffer.concat(chunks);
}

/** Streams a GGUF v3 file to `path` (created or truncated) and returns its size in bytes. */
export function writeGgufFile(
  path: string,
  metadata: Record<string, GgufValue>,
  tensors: readonly GgufTensorSource[],
  alignment = 32,
): number {
  const fd = openSync(path, 'w');
  try {
    return streamGguf(
      metadata,
      tensors,
      (chunk) => {
        for (let done = 0; done < chunk.length;) done += writeSync(fd, chunk, done, chunk.length - done);
      },
      alignment,
    );
  } finally {
    closeSync(fd);
  }
}

/** Writes a GGUF v3 file with in-memory F32 tensors and returns its size in bytes. */
export function writeGguf(path: string, metadata: Record<string, GgufValue>, tensors: readonly GgufTensor[], alignment = 32): number {
  return writeGgufFile(path, metadata, fromData(tensors), alignment);
}
