import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "@adaptive-sparse/core";
import { cachedTokens, hashDocuments } from "./cached-tokens.js";

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), "token-cache-"));
});
afterEach(() => rm(folder, { recursive: true, force: true }));

const key = { name: "demo-byte", tokenizer: "byte", vocabSize: 257, sourceHash: hashDocuments(["hi"]) };

describe("hashDocuments", () => {
  it("depends on document boundaries, not only on the concatenated text", () => {
    expect(hashDocuments(["ab", "c"])).not.toBe(hashDocuments(["a", "bc"]));
    expect(hashDocuments(["ab", "c"])).toBe(hashDocuments(["ab", "c"]));
    expect(hashDocuments([])).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"); // SHA-256 of ""
  });
});

describe("cachedTokens", () => {
  it("builds once, writes .bin + .json, then reuses the file", async () => {
    let builds = 0;
    const build = () => {
      builds += 1;
      return new Uint16Array([104, 105, 256]);
    };
    const first = await cachedTokens(folder, key, build);
    expect(first.fromCache).toBe(false);
    expect((await readdir(folder)).sort()).toEqual(["demo-byte.bin", "demo-byte.json"]);
    expect(JSON.parse(await readFile(join(folder, "demo-byte.json"), "utf8"))).toEqual({
      format: "adaptive-sparse-token-cache",
      version: 1,
      name: "demo-byte",
      tokenizer: "byte",
      vocabSize: 257,
      dtype: "uint16",
      count: 3,
      sourceHash: key.sourceHash,
    });
    const second = await cachedTokens(folder, key, build);
    expect(second.fromCache).toBe(true);
    expect(second.tokens).toEqual(new Uint16Array([104, 105, 256]));
    expect(builds).toBe(1);
  });

  it("rebuilds when the source hash or tokenizer changes, or the .bin is damaged", async () => {
    await cachedTokens(folder, key, () => new Uint16Array([1, 2]));
    const changed = await cachedTokens(folder, { ...key, sourceHash: "other" }, () => new Uint16Array([3]));
    expect(changed.fromCache).toBe(false);
    expect(Array.from(changed.tokens)).toEqual([3]);
    expect((await cachedTokens(folder, { ...key, sourceHash: "other", tokenizer: "bpe" }, () => new Uint16Array([4]))).fromCache).toBe(false);
    await writeFile(join(folder, "demo-byte.bin"), Uint8Array.of(9)); // truncated
    const repaired = await cachedTokens(folder, { ...key, sourceHash: "other", tokenizer: "bpe" }, () => new Uint16Array([4]));
    expect(repaired.fromCache).toBe(false);
    expect(Array.from(repaired.tokens)).toEqual([4]);
  });

  it("stores uint32 streams", async () => {
    const big = { ...key, name: "big", vocabSize: 100_000 };
    await cachedTokens(folder, big, () => new Uint32Array([70_000, 99_999]));
    const again = await cachedTokens(folder, big, () => new Uint32Array());
    expect(again.meta.dtype).toBe("uint32");
    expect(Array.from(again.tokens)).toEqual([70_000, 99_999]);
  });

  it("rejects unsafe names and unknown key fields", async () => {
    await expect(cachedTokens(folder, { ...key, name: "../escape" }, () => new Uint16Array())).rejects.toThrow(ConfigError);
    await expect(cachedTokens(folder, { ...key, seed: 1 } as never, () => new Uint16Array())).rejects.toThrow('unknown option "seed"');
  });
});
