/**
 * IEEE half (f16) and bfloat16 conversions, done on bit patterns so every value, including
 * subnormals, infinities, -0 and NaN payloads, converts exactly as PyTorch does.
 */

// f16 -> f32 bits for every one of the 65,536 patterns; built on first use (256 KiB) because a
// table lookup is several times faster than branching per element on large tensors.
let f16Table: Uint32Array | undefined;

function f16BitsToF32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exponent = (h >>> 10) & 0x1f;
  let mantissa = h & 0x3ff;
  if (exponent === 0x1f) return (sign | 0x7f800000 | (mantissa << 13)) >>> 0; // inf / NaN keep payload
  if (exponent !== 0) return (sign | ((exponent + 112) << 23) | (mantissa << 13)) >>> 0;
  if (mantissa === 0) return sign >>> 0;
  // Subnormal f16: shift the mantissa up until its leading 1 is the implicit bit of a normal f32.
  let e = 113;
  while ((mantissa & 0x400) === 0) {
    mantissa <<= 1;
    e -= 1;
  }
  return (sign | (e << 23) | ((mantissa & 0x3ff) << 13)) >>> 0;
}

function table(): Uint32Array {
  if (!f16Table) {
    f16Table = new Uint32Array(65536);
    for (let h = 0; h < 65536; h++) f16Table[h] = f16BitsToF32Bits(h);
  }
  return f16Table;
}

/**
 * Decodes f16 bit patterns to float32, exactly.
 *
 * @param bits f16 bit patterns (little-endian u16, as stored in safetensors `F16`).
 * @returns a new Float32Array of the same length.
 * @example
 * decodeFloat16(new Uint16Array([0x3c00, 0xc000])); // Float32Array [1, -2]
 */
export function decodeFloat16(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  const outBits = new Uint32Array(out.buffer);
  const lookup = table();
  for (let i = 0; i < bits.length; i++) outBits[i] = lookup[bits[i]!]!;
  return out;
}

/**
 * Decodes bfloat16 bit patterns to float32, exactly (bfloat16 is the top half of a float32).
 *
 * @param bits bfloat16 bit patterns (safetensors `BF16`).
 * @returns a new Float32Array of the same length.
 * @example
 * decodeBFloat16(new Uint16Array([0x3f80])); // Float32Array [1]
 */
export function decodeBFloat16(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  const outBits = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) outBits[i] = bits[i]! << 16;
  return out;
}

function f32BitsToF16Bits(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const abs = x & 0x7fffffff;
  if (abs > 0x7f800000) return sign | 0x7e00 | ((abs >>> 13) & 0x3ff); // NaN: quiet, keep top payload bits
  if (abs >= 0x47800000) return sign | 0x7c00; // >= 65536 (or inf) overflows to inf
  if (abs >= 0x38800000) {
    // Normal f16: rebias the exponent (127 -> 15) and round the 13 dropped bits to nearest even.
    let h = (abs - 0x38000000) >>> 13;
    const rest = abs & 0x1fff;
    if (rest > 0x1000 || (rest === 0x1000 && (h & 1) === 1)) h += 1; // may carry into inf: correct
    return sign | h;
  }
  const exponent = abs >>> 23;
  if (exponent < 102) return sign; // below 2^-25: rounds to zero
  // Subnormal f16 = m * 2^-24; shift the full f32 significand down and round to nearest even.
  const significand = (abs & 0x7fffff) | 0x800000;
  const shift = 126 - exponent;
  let h = significand >>> shift;
  const rest = significand & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  if (rest > half || (rest === half && (h & 1) === 1)) h += 1;
  return sign | h;
}

/**
 * Encodes float32 values as f16 bit patterns, rounding to nearest even (as `tensor.half()` does).
 *
 * @param values float32 values; from ±65520 on they round to ±inf; a NaN stays NaN (quiet, sign and
 *   top payload bits kept).
 * @returns a new Uint16Array of f16 bit patterns.
 * @example
 * encodeFloat16(new Float32Array([1, 65520])); // Uint16Array [0x3c00, 0x7c00]
 */
export function encodeFloat16(values: Float32Array): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < bits.length; i++) out[i] = f32BitsToF16Bits(bits[i]!);
  return out;
}

/**
 * Encodes float32 values as bfloat16 bit patterns, rounding to nearest even (as `tensor.bfloat16()` does).
 *
 * @param values float32 values.
 * @returns a new Uint16Array of bfloat16 bit patterns; a NaN keeps its sign and top payload bits and
 *   is made quiet, so bf16 -> f32 -> bf16 is lossless (the canonical f32 NaN becomes 0x7fc0, as in PyTorch).
 * @example
 * encodeBFloat16(new Float32Array([1])); // Uint16Array [0x3f80]
 */
export function encodeBFloat16(values: Float32Array): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < bits.length; i++) {
    const x = bits[i]!;
    if ((x & 0x7fffffff) > 0x7f800000) {
      out[i] = (x >>> 16) | 0x0040;
      continue;
    }
    // Adding 0x7fff plus the lowest kept bit rounds the dropped 16 bits to nearest, ties to even.
    out[i] = ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
  }
  return out;
}
