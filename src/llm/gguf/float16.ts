// IEEE 754 half precision, for writing F16 GGUF tensors: Node 20 has no Float16Array. Rounds to
// nearest, ties to even, as numpy's float16 and ggml's own converter do; overflow becomes
// infinity, NaN stays a (quiet) NaN, values below half the smallest subnormal become ±0.
const scratch = new Float32Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

/** The 16 bits of `value` as an IEEE 754 binary16. */
export function float16Bits(value: number): number {
  scratch[0] = value;
  const bits = scratchBits[0] as number;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const half = exponent - 127 + 15;
  if (half >= 0x1f) return sign | 0x7c00;
  if (half <= 0) {
    if (half < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - half;
    let result = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const midpoint = 1 << (shift - 1);
    if (rest > midpoint || (rest === midpoint && result & 1)) result++;
    return sign | result;
  }
  let result = (half << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // A carry out of the mantissa moves into the exponent, up to infinity: still correct.
  if (rest > 0x1000 || (rest === 0x1000 && result & 1)) result++;
  return sign | result;
}

/** The number an IEEE 754 binary16 holds (for checks and tests). */
export function float16Value(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}
