import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "@adaptive-sparse/core";
import { DataFileError, EmptyCorpusError, TokenFileError } from "../errors.js";
import { loadTokenBin, tokenBinDataset, writeTokenBin } from "./token-bin.js";

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "token-bin-"));
});
afterAll(() => rm(folder, { recursive: true, force: true }));

describe("token-bin", () => {
  it("writes little-endian uint16 with no header, as nanoGPT's np.uint16.tofile", async () => {
    const path = join(folder, "train.bin");
    await writeTokenBin(path, new Uint16Array([1, 258, 50256]));
    expect(Array.from(await readFile(path))).toEqual([1, 0, 2, 1, 0x50, 0xc4]);
    expect(await readdir(folder)).toEqual(["train.bin"]); // no temp file left behind
    const corpus = await loadTokenBin({ path });
    expect(corpus.name).toBe("train");
    expect(corpus.dtype).toBe("uint16");
    expect(corpus.tokens).toEqual(new Uint16Array([1, 258, 50256]));
  });

  it("reads uint32 files", async () => {
    const path = join(folder, "big.bin");
    await writeFile(path, Uint8Array.of(0x01, 0x00, 0x01, 0x00, 0xff, 0xff, 0xff, 0xff));
    const corpus = await tokenBinDataset.load({ path, dtype: "uint32" });
    expect(Array.from(corpus.tokens as Uint32Array)).toEqual([65537, 4294967295]);
  });

  it("refuses a length that is not a multiple of the element size, suggesting the other dtype", async () => {
    const path = join(folder, "odd.bin");
    await writeFile(path, Uint8Array.of(1, 0, 2, 0, 3, 0));
    await expect(loadTokenBin({ path, dtype: "uint32" })).rejects.toThrow(TokenFileError);
    await expect(loadTokenBin({ path, dtype: "uint32" })).rejects.toThrow(
      '6 bytes is not a multiple of 4 (the size of one uint32); the file is truncated or was written with another dtype (try dtype "uint16")',
    );
  });

  it("checks ids against vocabSize when given", async () => {
    const path = join(folder, "vocab.bin");
    await writeTokenBin(path, new Uint16Array([5, 300]));
    await expect(loadTokenBin({ path, vocabSize: 257 })).rejects.toThrow("token 1 is 300, not below vocabSize 257");
  });

  it("errors on a missing or empty file and unknown options", async () => {
    await expect(loadTokenBin({ path: join(folder, "none.bin") })).rejects.toThrow(DataFileError);
    await writeFile(join(folder, "empty.bin"), "");
    await expect(loadTokenBin({ path: join(folder, "empty.bin") })).rejects.toThrow(EmptyCorpusError);
    await expect(loadTokenBin({ path: "x", dtype: "int16" } as never)).rejects.toThrow(ConfigError);
    await expect(loadTokenBin({ path: "x", type: "uint16" } as never)).rejects.toThrow('unknown option "type"');
  });
});
