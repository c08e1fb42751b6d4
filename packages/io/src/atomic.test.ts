import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NonFiniteError } from "@adaptive-sparse/core";
import { writeAtomically, writeFileAtomic, writeJsonAtomic } from "./atomic.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "io-atomic-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("atomic writes", () => {
  it("writes text and bytes, replacing the old file, creating the folder, leaving no temp file", async () => {
    const path = join(dir, "sub", "a.txt");
    await writeFileAtomic(path, "first");
    await writeFileAtomic(path, new Uint16Array([0x6968])); // "hi" in little-endian bytes
    expect(await readFile(path, "utf8")).toBe("hi");
    expect(await readdir(join(dir, "sub"))).toEqual(["a.txt"]);
  });

  it("keeps the old file and removes the temp file when the writer fails halfway", async () => {
    const path = join(dir, "a.txt");
    await writeFileAtomic(path, "old");
    let tempSeen: string[] = [];
    const failing = writeAtomically(path, async (handle) => {
      await handle.write("partial new content");
      tempSeen = await readdir(dir);
      throw new Error("crash while writing");
    });
    await expect(failing).rejects.toThrow("crash while writing");
    expect(tempSeen.sort()).toEqual(["a.txt", expect.stringMatching(/^a\.txt\.tmp-\d+-[0-9a-f]{12}$/)]);
    expect(await readdir(dir)).toEqual(["a.txt"]);
    expect(await readFile(path, "utf8")).toBe("old");
  });

  it("writes pretty JSON with a trailing newline", async () => {
    const path = join(dir, "c.json");
    await writeJsonAtomic(path, { a: [1, { b: "x" }], c: null });
    expect(await readFile(path, "utf8")).toBe('{\n  "a": [\n    1,\n    {\n      "b": "x"\n    }\n  ],\n  "c": null\n}\n');
  });

  it("refuses values JSON would silently change, naming where they are", async () => {
    const path = join(dir, "d.json");
    await expect(writeJsonAtomic(path, { lr: NaN })).rejects.toThrow(NonFiniteError);
    await expect(writeJsonAtomic(path, { lr: NaN })).rejects.toThrow(`${path}: value.lr is NaN, which JSON cannot hold`);
    await expect(writeJsonAtomic(path, { a: [1, undefined] })).rejects.toThrow("value.a[1] is a undefined");
    await expect(writeJsonAtomic(path, { m: new Map() })).rejects.toThrow("value.m is a Map, which JSON would not keep");
    await expect(writeJsonAtomic(path, { t: new Float32Array(2) })).rejects.toThrow("value.t is a Float32Array");
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(writeJsonAtomic(path, cyclic)).rejects.toThrow("value.self refers back");
    await writeJsonAtomic(path, { when: new Date(0) }); // toJSON is trusted
    expect(JSON.parse(await readFile(path, "utf8"))).toEqual({ when: "1970-01-01T00:00:00.000Z" });
  });
});
