import { mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileFormatError, FileMissingError } from "./errors.js";
import { readSafetensorsHeader } from "./safetensors-header.js";
import { readSafetensors } from "./safetensors-read.js";
import { writeSafetensors } from "./safetensors-write.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "io-st-err-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes a file by hand: 8-byte length (of `header`, unless overridden), header bytes, data. */
async function rawFile(header: string | Uint8Array, data: number[] = [], length?: number): Promise<string> {
  const headerBytes = typeof header === "string" ? new TextEncoder().encode(header) : header;
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(length ?? headerBytes.length));
  const path = join(dir, "bad.safetensors");
  await writeFile(path, Buffer.concat([prefix, headerBytes, Buffer.from(data)]));
  return path;
}

const f32 = (name: string, shape: number[], offsets: [number, number]) => `"${name}":{"dtype":"F32","shape":${JSON.stringify(shape)},"data_offsets":${JSON.stringify(offsets)}}`;

/** Expects a FileFormatError whose message names the file and matches `pattern`. */
async function expectFormatError(path: string, pattern: RegExp): Promise<void> {
  for (const read of [readSafetensorsHeader, readSafetensors]) {
    const error = await read(path).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FileFormatError);
    expect((error as FileFormatError).code).toBe("E_FILE_FORMAT");
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toMatch(pattern);
  }
}

describe("safetensors validation errors", () => {
  it("missing file", async () => {
    const path = join(dir, "missing.safetensors");
    await expect(readSafetensors(path)).rejects.toThrow(FileMissingError);
    await expect(readSafetensorsHeader(path)).rejects.toThrow(`safetensors: no file at ${path} (check the path, or write the file first)`);
  });

  it("file shorter than the 8-byte length prefix", async () => {
    const path = join(dir, "short.safetensors");
    await writeFile(path, Buffer.from([1, 2, 3]));
    await expectFormatError(path, /file is 3 bytes, shorter than the 8-byte header length \(it is truncated or not a safetensors file; re-export it\)/);
  });

  it("header length past the end of the file", async () => {
    await expectFormatError(await rawFile("{}", [], 1000), /header length 1000 runs past the end of the file \(10 bytes\)/);
  });

  it("header that is not UTF-8", async () => {
    await expectFormatError(await rawFile(new Uint8Array([0x7b, 0xff, 0x7d])), /header is not valid UTF-8 \(.*re-export it\)/);
  });

  it("header that is not JSON, or not an object", async () => {
    await expectFormatError(await rawFile("{nope"), /header is not valid JSON \(/);
    await expectFormatError(await rawFile("[1, 2]"), /header JSON is not an object of tensors/);
  });

  it("unknown dtype lists the valid ones", async () => {
    const path = await rawFile('{"x":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}', [0]);
    await expectFormatError(path, /tensor "x" has unknown dtype "F8_E4M3" \(valid dtypes: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL;/);
  });

  it("malformed shape, offsets and metadata", async () => {
    await expectFormatError(await rawFile(`{"x":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}`), /shape \[-1\], expected an array of non-negative integers/);
    await expectFormatError(await rawFile(`{${f32("x", [1], [4, 0] as [number, number])}}`), /data_offsets \[4,0\], expected \[begin, end\]/);
    await expectFormatError(await rawFile(`{"__metadata__":{"a":1}}`), /__metadata__ key "a" holds a number/);
  });

  it("data size that does not match shape x dtype", async () => {
    await expectFormatError(await rawFile(`{${f32("x", [3], [0, 8])}}`, Array(8).fill(0)), /"x" \(F32, shape \[3\]\) needs 12 bytes but its data_offsets span 8/);
  });

  it("offsets past the end of the data (a truncated file)", async () => {
    await expectFormatError(await rawFile(`{${f32("x", [2], [0, 8])}}`, [0, 0, 0, 0]), /"x" has data_offsets \[0, 8\] past the end of the data buffer \(4 bytes\) \(the file is probably truncated/);
    const path = join(dir, "real.safetensors");
    await writeSafetensors(path, { a: { shape: [4], data: new Float32Array(4) }, b: { shape: [4], data: new Float32Array(4) } });
    await truncate(path, (await readSafetensorsHeader(path)).fileSize - 3);
    await expectFormatError(path, /"b" has data_offsets \[16, 32\] past the end of the data buffer \(29 bytes\)/);
  });

  it("overlapping offsets", async () => {
    await expectFormatError(await rawFile(`{${f32("a", [2], [0, 8])},${f32("b", [2], [4, 12])}}`, Array(12).fill(0)), /"b" \(bytes 4-12\) overlaps tensor "a" \(which ends at 8\)/);
  });

  it("gaps between tensors and trailing bytes", async () => {
    await expectFormatError(await rawFile(`{${f32("a", [1], [0, 4])},${f32("b", [1], [8, 12])}}`, Array(12).fill(0)), /"b" starts at byte 8 but tensor "a" ends at 4: offsets must be contiguous/);
    await expectFormatError(await rawFile(`{${f32("a", [1], [4, 8])}}`, Array(8).fill(0)), /"a" starts at byte 4 but the data buffer starts at 0: offsets must be contiguous/);
    await expectFormatError(await rawFile(`{${f32("a", [1], [0, 4])}}`, Array(8).fill(0)), /data buffer is 8 bytes but the tensors cover only 4 \(the file has trailing bytes/);
  });
});
