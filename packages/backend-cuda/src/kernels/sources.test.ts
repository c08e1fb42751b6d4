import { describe, expect, it } from "vitest";
import { allKernelSources } from "./catalog.js";
import { binarySource, copySource, unarySource } from "./elementwise.js";
import { groupTopKSource } from "./indexing.js";
import { reduceBlockSource } from "./reduce.js";

// What the generated CUDA C says, without a compiler: one extern "C" kernel `k` per source, the dtypes'
// C types, conversions as the cpu kernels' typed-array stores make them.
describe("generated kernel sources", () => {
  it("every source defines exactly one extern \"C\" kernel named k, with a unique readable name", () => {
    const sources = allKernelSources();
    for (const { name, source } of sources) {
      expect(source.match(/extern "C" __global__ void k\(/g), name).toHaveLength(1);
      expect(name).toMatch(/^[a-z0-9_A-Z]+$/);
    }
    expect(new Set(sources.map((s) => s.name)).size).toBe(sources.length);
  });

  it("comparisons write u8 and u8 arithmetic wraps on the store", () => {
    expect(binarySource("CmpLt", "f32", "u8").source).toContain("unsigned char* __restrict__ o, const float* __restrict__ x");
    expect(binarySource("CmpLt", "f32", "u8").source).toContain("(unsigned char)(f2i_(((a < b ? 1 : 0))))");
    expect(binarySource("Add", "u8", "u8").source).toContain("o[i] = (a + b);");
  });

  it("float to int casts truncate, send NaN and infinities to 0, and wrap like a typed-array store", () => {
    const source = copySource("f32", "i32").source;
    expect(source).toContain("if (!(fabsf(x) < 9.2e18f)) return 0;");
    expect(source).toContain("o[dbase + od] = (int)(unsigned int)(f2i_(x[sbase + os]));");
    expect(copySource("i32", "f32").source).toContain("o[dbase + od] = (float)(x[sbase + os]);");
  });

  it("Maximum propagates NaN on floats; Exp of an int input computes in float", () => {
    expect(binarySource("Maximum", "f32", "f32").source).toContain("(a != a || b != b) ? nanf_() : (a > b ? a : b)");
    expect(unarySource("Exp", "i32", "f32").source).toContain("expf((float)a)");
  });

  it("sums accumulate in double and GroupTopK sorts a group of m in registers", () => {
    expect(reduceBlockSource("sum", "f32").source).toContain("double acc = 0;");
    expect(groupTopKSource("f32", 4).source).toContain("int order[4];");
    expect(groupTopKSource("f32", 4).source).toContain("o[(long long)g * 4 + order[i]] = i < 4 - n ? 0 : 1;");
  });
});
