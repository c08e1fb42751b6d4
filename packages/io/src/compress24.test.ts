import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ShapeError } from "@adaptive-sparse/core";
import { compress24, decompress24 } from "./compress24.js";
import { COMPRESSED24_METADATA_KEY, readCompressed24, writeCompressed24 } from "./compressed24-file.js";
import { SparsityPatternError, FileFormatError } from "./errors.js";
import { readSafetensorsHeader } from "./safetensors-header.js";
import { writeSafetensors } from "./safetensors-write.js";

/** A seeded random 2:4 matrix: 2 random positions per group hold non-zero values (mulberry32). */
function random24(rows: number, cols: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Float32Array(rows * cols);
  for (let g = 0; g < out.length; g += 4) {
    const keep = [0, 1, 2, 3].sort(() => next() - 0.5).slice(0, 2);
    for (const k of keep) out[g + k] = next() * 2 - 1 || 0.5;
  }
  return out;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "io-24-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("compress24 / decompress24", () => {
  it("packs a hand-worked 2 x 8 matrix", () => {
    // row 0: groups [0,5,0,7] -> pos (1,3), [1,0,0,2] -> pos (0,3); row 1: [0,0,0,0] -> (0,1), [0,0,9,0] -> (0,2)
    const weight = new Float32Array([0, 5, 0, 7, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 9, 0]);
    const { values, indices } = compress24(weight, 2, 8);
    expect([...values]).toEqual([5, 7, 1, 2, 0, 0, 0, 9]);
    const nibble = (a: number, b: number) => a | (b << 2);
    expect([...indices]).toEqual([nibble(1, 3) | (nibble(0, 3) << 4), nibble(0, 1) | (nibble(0, 2) << 4)]);
    expect(decompress24(values, indices, 2, 8)).toEqual(weight);
  });

  it("fills groups with fewer than 2 non-zeros at the lowest free positions", () => {
    const cases: [number[], [number, number]][] = [
      [[0, 0, 3, 0], [0, 2]],
      [[3, 0, 0, 0], [0, 1]],
      [[0, 3, 0, 0], [0, 1]],
      [[0, 0, 0, 3], [0, 3]],
    ];
    for (const [group, [a, b]] of cases) {
      const { values, indices } = compress24(new Float32Array(group), 1, 4);
      expect(indices[0], String(group)).toBe(a | (b << 2));
      expect([...values]).toEqual([group[a], group[b]]);
    }
  });

  it("round-trips a random 2:4 matrix exactly, with an odd number of groups", () => {
    const rows = 37;
    const cols = 44; // 11 groups per row, 407 in all: the last index byte is half used
    const weight = random24(rows, cols, 7);
    const { values, indices } = compress24(weight, rows, cols);
    expect(values.length).toBe((rows * cols) / 2);
    expect(indices.length).toBe(Math.ceil((rows * cols) / 8));
    expect(decompress24(values, indices, rows, cols)).toEqual(weight);
  });

  it("names the row, group and count of a group that is not 2:4", () => {
    const weight = new Float32Array(16);
    weight.set([1, 0, 2, 3], 12); // row 1, group 1 has 3 non-zeros
    expect(() => compress24(weight, 2, 8)).toThrow(SparsityPatternError);
    expect(() => compress24(weight, 2, 8)).toThrow("compress24: row 1, group 1 (columns 4-7) has 3 non-zeros; 2:4 keeps at most 2 of every 4 along a row (apply a 2:4 mask first)");
  });

  it("rejects cols not divisible by 4 and mismatched lengths", () => {
    expect(() => compress24(new Float32Array(6), 1, 6)).toThrow(ShapeError);
    expect(() => compress24(new Float32Array(6), 1, 6)).toThrow(/cols is 6, not a multiple of 4/);
    expect(() => compress24(new Float32Array(7), 2, 4)).toThrow(/weight has 7 values, expected rows \* cols = 2 \* 4 = 8/);
    expect(() => decompress24(new Float32Array(3), new Uint8Array(1), 1, 4)).toThrow(/values has 3 entries, expected rows \* cols \/ 2 = 2/);
    expect(() => decompress24(new Float32Array(2), new Uint8Array([0b0111]), 1, 4)).toThrow(/positions 3 and 1; they must increase/);
  });
});

describe("writeCompressed24 / readCompressed24", () => {
  it("round-trips layers (dense or pre-compressed), extra tensors and metadata", async () => {
    const path = join(dir, "m24.safetensors");
    const a = random24(8, 16, 1);
    const b = random24(4, 8, 2);
    const extra = { "wte.weight": { shape: [3, 2], data: new Float32Array([1, 2, 3, 4, 5, 6]) } };
    await writeCompressed24(path, { "h.0.mlp.c_fc.weight": { weight: a, rows: 8, cols: 16 }, "h.0.attn.c_proj.weight": { ...compress24(b, 4, 8), rows: 4, cols: 8 } }, extra, { run: "ast" });
    const header = await readSafetensorsHeader(path);
    expect(header.tensors.get("h.0.mlp.c_fc.weight.values")).toMatchObject({ dtype: "F32", shape: [8, 8] });
    expect(header.tensors.get("h.0.mlp.c_fc.weight.indices")).toMatchObject({ dtype: "U8", shape: [16] });
    expect(JSON.parse(header.metadata[COMPRESSED24_METADATA_KEY]!)).toEqual({ version: 1, layers: { "h.0.mlp.c_fc.weight": [8, 16], "h.0.attn.c_proj.weight": [4, 8] } });
    const file = await readCompressed24(path);
    expect(file.metadata).toEqual({ run: "ast" });
    expect([...file.extraTensors.keys()]).toEqual(["wte.weight"]);
    const layer = file.layers.get("h.0.mlp.c_fc.weight")!;
    expect(decompress24(layer.values, layer.indices, layer.rows, layer.cols)).toEqual(a);
    const other = file.layers.get("h.0.attn.c_proj.weight")!;
    expect(decompress24(other.values, other.indices, 4, 8)).toEqual(b);
  });

  it("reads a deferred layer once, when its turn comes, and writes the same bytes as the dense weight; a bad one leaves no file", async () => {
    const a = random24(8, 16, 1);
    const b = random24(4, 8, 2);
    const wte = { dtype: "F32" as const, shape: [3, 2], data: new Float32Array([1, 2, 3, 4, 5, 6]) };
    const eager = join(dir, "eager.safetensors");
    await writeCompressed24(eager, { "h.0.mlp.c_fc.weight": { weight: a, rows: 8, cols: 16 }, "h.0.attn.c_proj.weight": { weight: b, rows: 4, cols: 8 } }, { "wte.weight": wte }, { run: "ast" });
    const reads: string[] = [];
    const later = (name: string, weight: Float32Array, rows: number, cols: number) => ({ rows, cols, read: async () => (reads.push(name), weight) });
    const deferred = join(dir, "deferred.safetensors");
    await writeCompressed24(deferred, { "h.0.mlp.c_fc.weight": later("c_fc", a, 8, 16), "h.0.attn.c_proj.weight": later("c_proj", b, 4, 8) }, { "wte.weight": { ...wte, read: async () => (reads.push("wte"), wte.data) } }, { run: "ast" });
    // Written in name order, each read once: c_proj's indices and values, then c_fc's, then wte.
    expect(reads).toEqual(["c_proj", "c_fc", "wte"]);
    expect(readFileSync(deferred)).toEqual(readFileSync(eager));
    const dense = a.slice();
    dense[0] = dense[1] = dense[2] = 1; // 3 of a group of 4 kept
    const bad = join(dir, "bad.safetensors");
    await expect(writeCompressed24(bad, { w: later("w", dense, 8, 16) })).rejects.toThrow(SparsityPatternError);
    expect(existsSync(bad)).toBe(false);
    await expect(writeCompressed24(bad, { w: later("w", a, 16, 8 + 2) })).rejects.toThrow(/writeCompressed24: .*bad\.safetensors: layer "w": cols is 10, not a multiple of 4/);
  });

  it("explains a plain safetensors file, an unknown version and reserved names", async () => {
    const path = join(dir, "plain.safetensors");
    await writeSafetensors(path, { w: { shape: [1], data: new Float32Array(1) } });
    await expect(readCompressed24(path)).rejects.toThrow(FileFormatError);
    await expect(readCompressed24(path)).rejects.toThrow(/no "adaptive_sparse\.compressed24" metadata, so this is not a compressed 2:4 file \(read it with readSafetensors\)/);
    await writeSafetensors(path, {}, { [COMPRESSED24_METADATA_KEY]: JSON.stringify({ version: 9, layers: {} }) });
    await expect(readCompressed24(path)).rejects.toThrow(/format version 9 is not supported \(this package reads version 1\)/);
    await writeSafetensors(path, {}, { [COMPRESSED24_METADATA_KEY]: JSON.stringify({ version: 1, layers: { x: [4, 4] } }) });
    await expect(readCompressed24(path)).rejects.toThrow(/layer "x" \[4,4\] lacks a matching F32 "x\.values" and U8 "x\.indices"/);
    await expect(writeCompressed24(path, {}, {}, { [COMPRESSED24_METADATA_KEY]: "x" })).rejects.toThrow(/is reserved/);
    await expect(
      writeCompressed24(path, { x: { weight: new Float32Array(4), rows: 1, cols: 4 } }, { "x.values": { shape: [1], data: new Float32Array(1) } }),
    ).rejects.toThrow(/extra tensor "x\.values" clashes/);
  });
});
