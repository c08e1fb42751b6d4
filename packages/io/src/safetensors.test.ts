import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { iterateSafetensors, readSafetensors } from "./safetensors-read.js";
import { readSafetensorsHeader } from "./safetensors-header.js";
import { writeSafetensors } from "./safetensors-write.js";

const FIXTURE = fileURLToPath(new URL("../fixtures/torch-small.safetensors", import.meta.url));
interface ExpectedTensor {
  dtype: string;
  shape: number[];
  values?: number[];
  float32Bits?: number[];
  rawBits?: number[];
}
const expected = JSON.parse(await readFile(new URL("../fixtures/torch-small.json", import.meta.url), "utf8")) as {
  metadata: Record<string, string>;
  tensors: Record<string, ExpectedTensor>;
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "io-st-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("reading the PyTorch fixture", () => {
  it("returns every tensor bit-exactly (f16/bf16 decoded as torch's .float())", async () => {
    const tensors = await readSafetensors(FIXTURE);
    expect([...tensors.keys()].sort()).toEqual(Object.keys(expected.tensors).sort());
    for (const [name, want] of Object.entries(expected.tensors)) {
      const got = tensors.get(name)!;
      expect(got.dtype, name).toBe(want.dtype);
      expect(got.shape, name).toEqual(want.shape);
      if (want.values) {
        expect(got.data).toBeInstanceOf(Int32Array);
        expect([...got.data], name).toEqual(want.values);
      } else {
        expect(got.data).toBeInstanceOf(Float32Array);
        const bits = new Uint32Array(got.data.buffer, got.data.byteOffset, got.data.length);
        expect([...bits], name).toEqual(want.float32Bits);
      }
    }
  });

  it("reads the header alone: dtypes, shapes, metadata, tensors in file order", async () => {
    const header = await readSafetensorsHeader(FIXTURE);
    expect(header.metadata).toEqual(expected.metadata);
    expect(header.tensors.get("f16.values")).toEqual({ dtype: "F16", shape: [4, 16], dataOffsets: [252, 380] });
    const begins = [...header.tensors.values()].map((e) => e.dataOffsets[0]);
    expect(begins).toEqual([...begins].sort((a, b) => a - b));
    expect(header.dataStart % 8).toBe(0);
  });

  it("reads a subset with names, and converts to float32 on request", async () => {
    const some = await readSafetensors(FIXTURE, { names: ["i32.ids", "f32.scalar"], toFloat32: true });
    expect([...some.keys()].sort()).toEqual(["f32.scalar", "i32.ids"]);
    expect(some.get("i32.ids")!.data).toEqual(new Float32Array(expected.tensors["i32.ids"]!.values!));
    expect([...some.get("f32.scalar")!.data]).toEqual([3.5]);
    await expect(readSafetensors(FIXTURE, { names: ["nope"] })).rejects.toThrow(/no tensor named "nope" \(the file has: .*f32\.matrix/);
  });

  it("gives each tensor its own buffer (no whole-file buffer)", async () => {
    for (const { data, dtype } of (await readSafetensors(FIXTURE)).values()) {
      expect(data.byteOffset).toBe(0);
      expect(data.buffer.byteLength).toBe(data.byteLength);
      expect(dtype).toBeTypeOf("string");
    }
  });

  it("iterates one tensor at a time and stops cleanly on break", async () => {
    const seen: string[] = [];
    for await (const tensor of iterateSafetensors(FIXTURE)) {
      seen.push(tensor.name);
      if (seen.length === 2) break;
    }
    expect(seen).toHaveLength(2);
  });
});

describe("writeSafetensors", () => {
  it("round-trips every dtype, with metadata", async () => {
    const path = join(dir, "all.safetensors");
    const tensors = {
      f64: { shape: [2], data: new Float64Array([1.5, -1e300]) },
      f32: { shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) },
      f16: { dtype: "F16" as const, shape: [3], data: new Float32Array([1, -2, 0.5]) },
      bf16: { dtype: "BF16" as const, shape: [2], data: new Uint16Array([0x3f80, 0xc000]) },
      i64: { shape: [2], data: new BigInt64Array([-(2n ** 62n), 7n]) },
      i32: { shape: [1], data: new Int32Array([-5]) },
      i16: { shape: [2], data: new Int16Array([-32768, 32767]) },
      i8: { shape: [2], data: new Int8Array([-128, 127]) },
      u8: { shape: [2], data: new Uint8Array([0, 255]) },
      bool: { dtype: "BOOL" as const, shape: [3], data: new Uint8Array([1, 0, 1]) },
      scalar: { shape: [], data: new Float32Array([9]) },
      empty: { shape: [0, 4], data: new Float32Array(0) },
    };
    await writeSafetensors(path, tensors, { step: "3" });
    const back = await readSafetensors(path);
    expect(Object.fromEntries([...back].map(([k, v]) => [k, [v.dtype, v.shape, [...v.data]]]))).toEqual({
      f64: ["F64", [2], [1.5, -1e300]],
      f32: ["F32", [2, 2], [1, 2, 3, 4]],
      f16: ["F16", [3], [1, -2, 0.5]],
      bf16: ["BF16", [2], [1, -2]],
      i64: ["I64", [2], [-(2n ** 62n), 7n]],
      i32: ["I32", [1], [-5]],
      i16: ["I16", [2], [-32768, 32767]],
      i8: ["I8", [2], [-128, 127]],
      u8: ["U8", [2], [0, 255]],
      bool: ["BOOL", [3], [1, 0, 1]],
      scalar: ["F32", [], [9]],
      empty: ["F32", [0, 4], []],
    });
    expect((await readSafetensorsHeader(path)).metadata).toEqual({ step: "3" });
  });

  it("writes sorted keys, a space-padded header of 8k bytes, data in key order", async () => {
    const path = join(dir, "b.safetensors");
    await writeSafetensors(path, { b: { shape: [1], data: new Uint8Array([2]) }, a: { shape: [1], data: new Uint8Array([1]) } });
    const bytes = await readFile(path);
    const length = Number(bytes.readBigUInt64LE(0));
    const header = bytes.subarray(8, 8 + length).toString("utf8");
    expect(length % 8).toBe(0);
    expect(header.trimEnd()).toBe('{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"b":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}');
    expect(header.endsWith(" ")).toBe(true);
    expect([...bytes.subarray(8 + length)]).toEqual([1, 2]);
  });

  it("writes the torch fixture's tensors back to the same values", async () => {
    const path = join(dir, "copy.safetensors");
    const original = await readSafetensors(FIXTURE);
    await writeSafetensors(path, original, expected.metadata);
    const again = await readSafetensors(path);
    for (const [name, tensor] of original) {
      const bits = (t: typeof tensor) => new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
      expect(bits(again.get(name)!), name).toEqual(bits(tensor));
    }
  });

  it("writes deferred tensors (read when their turn comes, one at a time) as the same bytes as eager ones", async () => {
    const original = await readSafetensors(FIXTURE);
    const eager = join(dir, "eager.safetensors");
    const deferred = join(dir, "deferred.safetensors");
    await writeSafetensors(eager, original, expected.metadata);
    const reads: string[] = [];
    const sources = new Map(
      [...original].map(([name, t]) => [name, { dtype: t.dtype, shape: t.shape, read: async () => (reads.push(name), t.data) }] as const),
    );
    await writeSafetensors(deferred, sources, expected.metadata);
    expect(await readFile(deferred)).toEqual(await readFile(eager));
    expect(reads).toEqual([...original.keys()].sort()); // once each, in the file's (sorted) order
  });

  it("a deferred tensor whose data does not fit its shape or dtype fails once read, leaving the old file", async () => {
    const path = join(dir, "w.safetensors");
    await writeSafetensors(path, { x: { shape: [1], data: new Float32Array([1]) } });
    const short = { a: { dtype: "F32" as const, shape: [3], read: async () => new Float32Array(1) } };
    await expect(writeSafetensors(path, short)).rejects.toThrow(/tensor "a": shape \[3\] holds 3 elements but data has 1/);
    const wrongType = { a: { dtype: "I32" as const, shape: [1], read: async () => new Float32Array(1) } };
    await expect(writeSafetensors(path, wrongType)).rejects.toThrow(/tensor "a": dtype I32 needs data as Int32Array, got Float32Array/);
    expect(await readdir(dir)).toEqual(["w.safetensors"]);
    expect([...(await readSafetensors(path)).get("x")!.data]).toEqual([1]);
  });

  it("replaces the target atomically and leaves no temp file", async () => {
    const path = join(dir, "w.safetensors");
    await writeSafetensors(path, { x: { shape: [1], data: new Float32Array([1]) } });
    await writeSafetensors(path, { x: { shape: [1], data: new Float32Array([2]) } });
    expect([...(await readSafetensors(path)).get("x")!.data]).toEqual([2]);
    expect(await readdir(dir)).toEqual(["w.safetensors"]);
  });

  it("leaves the old file and no temp file when validation or writing fails", async () => {
    const path = join(dir, "w.safetensors");
    await writeSafetensors(path, { x: { shape: [1], data: new Float32Array([1]) } });
    await expect(writeSafetensors(path, { x: { shape: [3], data: new Float32Array([1]) } })).rejects.toThrow(
      /tensor "x": shape \[3\] holds 3 elements but data has 1/,
    );
    // Fail mid-write: the header and tensor "a" are already in the temp file when "b"'s bytes throw.
    const exploding = new Float32Array([6]);
    Object.defineProperty(exploding, "buffer", { get: () => { throw new Error("disk full"); } });
    const tensors = { a: { shape: [1], data: new Float32Array([5]) }, b: { shape: [1], data: exploding } };
    await expect(writeSafetensors(path, tensors)).rejects.toThrow("disk full");
    expect(await readdir(dir)).toEqual(["w.safetensors"]);
    expect([...(await readSafetensors(path)).get("x")!.data]).toEqual([1]);
  });

  it("rejects data whose array type does not match the dtype, and bad BOOL bytes", async () => {
    const path = join(dir, "bad.safetensors");
    await expect(writeSafetensors(path, { x: { dtype: "I32", shape: [1], data: new Float32Array([1]) } })).rejects.toThrow(
      /tensor "x": dtype I32 needs data as Int32Array, got Float32Array/,
    );
    await expect(writeSafetensors(path, { x: { shape: [1], data: new Uint16Array([1]) } })).rejects.toThrow(/set dtype to "F16" or "BF16"/);
    await expect(writeSafetensors(path, { x: { dtype: "BOOL", shape: [1], data: new Uint8Array([2]) } })).rejects.toThrow(/BOOL data must be 0 or 1/);
    await expect(writeSafetensors(path, { x: { shape: [1], data: new Float32Array([1]) } }, { n: 1 as unknown as string })).rejects.toThrow(
      /metadata "n" is a number/,
    );
    await writeFile(join(dir, "keep"), "");
    expect((await readdir(dir)).sort()).toEqual(["keep"]);
  });
});
