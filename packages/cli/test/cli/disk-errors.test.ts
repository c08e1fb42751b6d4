import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Generator, tensor, tidy } from "@adaptive-sparse/core";
import { createByteTokenizer } from "@adaptive-sparse/data";
import { loadCheckpoint } from "@adaptive-sparse/io";
import { GPT, sparsify } from "@adaptive-sparse/nn";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { saveModelFolder } from "../../src/model-folder.js";
import { FAST, makeFixture, runCli } from "./helpers.js";

// Files whose path matches `path` (after `skip` such opens) fail at their first write with the kernel's
// own ENOSPC (a write to /dev/full), or at fsync with `syncCode` (no device makes EROFS on demand).
const disk = vi.hoisted(() => ({ rule: null as null | { path: RegExp; skip?: number; syncCode?: string } }));
vi.mock("node:fs/promises", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:fs/promises")>();
  const open = (async (...args: Parameters<typeof real.open>) => {
    const handle = await real.open(...args);
    const rule = disk.rule;
    if (!rule || !rule.path.test(String(args[0])) || (rule.skip ? rule.skip-- : 0) > 0) return handle;
    const fail = async (key: "write" | "sync") => {
      if (key === "sync") throw Object.assign(new Error(`${rule.syncCode}: read-only file system, fsync`), { code: rule.syncCode, errno: -30, syscall: "fsync" });
      const full = await real.open("/dev/full", "w");
      try {
        await full.write(new Uint8Array(1));
      } finally {
        await full.close();
      }
    };
    return new Proxy(handle, {
      get(target, key) {
        if (key === "write" && !rule.syncCode) return () => fail("write");
        if (key === "sync" && rule.syncCode) return () => fail("sync");
        const value = Reflect.get(target, key, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  }) as typeof real.open;
  return { ...real, default: { ...real, open }, open };
});

const leftovers = (folder: string) => readdirSync(folder, { recursive: true }).map(String).filter((name) => /\.(tmp|old)-\d+-/.test(name));
const expectOneParagraph = (stderr: string) => {
  expect(stderr.trim().split("\n")).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
};

describe.runIf(existsSync("/dev/full"))("a disk that is full or read-only mid-run: one paragraph, exit 1, nothing half-written", async () => {
  const { root, model, corpus } = await makeFixture();
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  afterEach(() => {
    disk.rule = null;
  });

  it("prune: the second checkpoint hits a full disk; the first stays loadable, no model is written", async () => {
    const out = join(root, "run");
    disk.rule = { path: /checkpoint\.tmp-[^/]*[/\\]tensors\.safetensors\.tmp-/, skip: 1 };
    const { code, stderr } = await runCli(["prune", "-m", model, "--corpus", corpus, "--method", "naive", "--steps", "2", "--backend", "cpu", "--quiet", "-o", out, ...FAST, "--set", "trainer.checkpoint.every=1"]);
    expect(code).toBe(1);
    expect(stderr).toBe(
      `adaptive-sparse: cannot write ${join(out, "checkpoint")}: the disk is full (ENOSPC: no space left on device, write); ` +
        "the partial checkpoint was removed and the previous one, if any, is unchanged. Free some space, or choose an -o/--out folder on a disk with room.\n",
    );
    expectOneParagraph(stderr);
    disk.rule = null;
    expect((await loadCheckpoint<{ step: number }>(join(out, "checkpoint"))).state.step).toBe(1);
    expect(leftovers(out)).toEqual([]);
    expect(existsSync(join(out, "model"))).toBe(false);
    expect(existsSync(join(out, "model.sparse24.safetensors"))).toBe(false);
  });

  it("export --format hf: a full disk leaves the previous export intact and no temp file", async () => {
    const out = join(root, "hf");
    expect((await runCli(["export", "-m", model, "--format", "hf", "-o", out, "--backend", "cpu"])).code).toBe(0);
    const before = readFileSync(join(out, "model.safetensors"));
    disk.rule = { path: /model\.safetensors\.tmp-/ };
    const { code, stderr } = await runCli(["export", "-m", model, "--format", "hf", "--dtype", "f16", "-o", out, "--backend", "cpu"]);
    expect(code).toBe(1);
    expect(stderr).toContain(`adaptive-sparse: cannot write ${join(out, "model.safetensors")}: the disk is full (ENOSPC: no space left on device, write); no partial file was left under that name`);
    expectOneParagraph(stderr);
    expect(readFileSync(join(out, "model.safetensors")).equals(before)).toBe(true);
    expect(readdirSync(out).sort()).toEqual(["config.json", "model.safetensors", "tokenizer.json"]);
  });

  it("export --format compressed24 onto a read-only disk: no file under the name, a clear fix", async () => {
    const folder = join(root, "pruned");
    const gpt = new GPT({ nLayer: 1, nHead: 2, nEmbd: 32, blockSize: 16, vocabSize: 257 }, { generator: new Generator(4) });
    for (const { layer } of sparsify(gpt)) {
      const [rows, cols] = layer.weight.shape;
      tidy(() => layer.setMask(tensor(Uint8Array.from({ length: rows * cols }, (_, i) => (i % 4 < 2 ? 1 : 0)), { shape: [rows, cols], dtype: "u8" })));
    }
    await saveModelFolder(folder, { model: gpt, tokenizer: createByteTokenizer() });
    const file = join(root, "exports", "model-24.safetensors");
    disk.rule = { path: /model-24\.safetensors\.tmp-/, syncCode: "EROFS" };
    const { code, stderr } = await runCli(["export", "-m", folder, "--format", "compressed24", "-o", file, "--backend", "cpu"]);
    expect(code).toBe(1);
    expect(stderr).toBe(
      `adaptive-sparse: cannot write ${file}: the file system is read-only (EROFS: read-only file system, fsync); ` +
        "no partial file was left under that name (an earlier version, if any, is unchanged). Choose an -o/--out folder on a writable disk.\n",
    );
    expect(readdirSync(join(root, "exports"))).toEqual([]);
  });
});
