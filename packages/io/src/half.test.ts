import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeBFloat16, decodeFloat16, encodeBFloat16, encodeFloat16 } from "./half.js";

const fixture = JSON.parse(readFileSync(new URL("../fixtures/torch-small.json", import.meta.url), "utf8")) as {
  encode: { float32Bits: number[]; f16Bits: number[]; bf16Bits: number[] };
};

/** f16 value straight from the IEEE definition, as an independent oracle. */
function f16Value(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 31) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

const f32FromBits = (bits: number[]) => new Float32Array(new Uint32Array(bits).buffer);

describe("f16 / bf16 decoding", () => {
  it("decodes all 65,536 f16 patterns to the IEEE value", () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const decoded = decodeFloat16(all);
    for (let h = 0; h < 65536; h++) expect(Object.is(decoded[h], f16Value(h)) || (Number.isNaN(decoded[h]) && Number.isNaN(f16Value(h)))).toBe(true);
    expect([decoded[0x0001], decoded[0x0400], decoded[0x7bff], decoded[0x8000]]).toEqual([2 ** -24, 2 ** -14, 65504, -0]);
  });

  it("keeps NaN payloads and signs bit-exactly (f16 0xfe01 -> f32 0xffc02000)", () => {
    const bits = new Uint32Array(decodeFloat16(new Uint16Array([0xfe01, 0x7c01])).buffer);
    expect([...bits]).toEqual([0xffc02000, 0x7f802000]);
  });

  it("decodes bf16 as the top half of a float32", () => {
    expect([...decodeBFloat16(new Uint16Array([0x3f80, 0xc0a0, 0x0001, 0xff80]))]).toEqual([1, -5, 2 ** -133, -Infinity]);
  });
});

describe("f16 / bf16 encoding matches torch's round-to-nearest-even", () => {
  const inputs = f32FromBits(fixture.encode.float32Bits);

  it("encodes float32 -> f16 exactly as tensor.half()", () => {
    expect([...encodeFloat16(inputs)]).toEqual(fixture.encode.f16Bits);
  });

  it("encodes float32 -> bf16 exactly as tensor.bfloat16() (any NaN for NaN)", () => {
    // torch 1.13's vectorised CPU cast writes NaN as 0xffff, its scalar cast as 0x7fc0; both are NaN.
    const ours = encodeBFloat16(inputs);
    const nan = inputs.map((v) => (Number.isNaN(v) ? 1 : 0));
    expect(nan.reduce((a, b) => a + b, 0)).toBe(1);
    expect([...ours].filter((_, i) => !nan[i])).toEqual(fixture.encode.bf16Bits.filter((_, i) => !nan[i]));
    expect([...decodeBFloat16(ours.filter((_, i) => nan[i]))].every(Number.isNaN)).toBe(true);
  });

  it("round-trips every non-NaN f16 pattern through float32", () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const back = encodeFloat16(decodeFloat16(all));
    for (let h = 0; h < 65536; h++) if (!Number.isNaN(f16Value(h))) expect(back[h]).toBe(h);
  });

  it("rounds hand-picked ties to even", () => {
    // 1 + 2^-11 lies halfway between 1 and 1 + 2^-10: even mantissa (1) wins; 65520 overflows to inf.
    expect([...encodeFloat16(new Float32Array([1 + 2 ** -11, 1 + 3 * 2 ** -11, 65520, 2 ** -25, 3 * 2 ** -25]))]).toEqual([
      0x3c00, 0x3c02, 0x7c00, 0x0000, 0x0002,
    ]);
    expect([...encodeBFloat16(new Float32Array([1 + 2 ** -8, 1 + 3 * 2 ** -8, NaN]))]).toEqual([0x3f80, 0x3f82, 0x7fc0]);
  });
});
