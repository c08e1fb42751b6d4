import { mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadCheckpoint, saveCheckpoint, type CheckpointStep } from "./checkpoint.js";
import { CheckpointError, FileMissingError } from "./errors.js";

let root: string;
let dir: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "io-ckpt-"));
  dir = join(root, "ckpt");
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const content = (step: number) => ({
  tensors: { w: { shape: [2, 2], data: new Float32Array([step, step + 1, step + 2, step + 3]) }, ids: { shape: [1], data: new Int32Array([step]) } },
  state: { step, schedule: { lr: 0.001 * step }, note: `step ${step}` },
});

async function loaded(step?: number) {
  const checkpoint = await loadCheckpoint<{ step: number }>(dir);
  if (step !== undefined) {
    expect(checkpoint.state.step).toBe(step);
    expect([...checkpoint.tensors.get("w")!.data]).toEqual([step, step + 1, step + 2, step + 3]);
  }
  return checkpoint;
}

describe("saveCheckpoint / loadCheckpoint", () => {
  it("round-trips tensors and state, replaces an old checkpoint, leaves no leftovers", async () => {
    await saveCheckpoint(dir, content(1));
    await saveCheckpoint(dir, content(2));
    const checkpoint = await loaded(2);
    expect(checkpoint.state).toEqual({ step: 2, schedule: { lr: 0.002 }, note: "step 2" });
    expect([...checkpoint.tensors.get("ids")!.data]).toEqual([2]);
    expect(checkpoint.recoveredFrom).toBeUndefined();
    expect(await readdir(root)).toEqual(["ckpt"]);
    expect((await readdir(dir)).sort()).toEqual(["COMPLETE", "state.json", "tensors.safetensors"]);
    const marker = JSON.parse(await readFile(join(dir, "COMPLETE"), "utf8"));
    expect(marker.files["state.json"].sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  // Pause the save at each step, as if the process were killed there, and load from "another process".
  const cases: [CheckpointStep, number][] = [
    ["tensors-written", 1],
    ["temp-complete", 1],
    ["old-moved-aside", 1],
    ["new-in-place", 2],
  ];
  for (const [step, expectStep] of cases) {
    it(`a crash at "${step}" still leaves checkpoint ${expectStep} loadable`, async () => {
      await saveCheckpoint(dir, content(1));
      let crashed!: () => void;
      const atStep = new Promise<void>((resolve) => (crashed = resolve));
      const frozen = new Promise<void>(() => undefined); // never resolves: the "killed" process
      void saveCheckpoint(dir, content(2), { onStep: (s) => (s === step ? (crashed(), frozen) : undefined) });
      await atStep;
      const checkpoint = await loaded(expectStep);
      expect(checkpoint.recoveredFrom !== undefined).toBe(step === "old-moved-aside");
      // The next save cleans up what the crashed one left behind.
      await saveCheckpoint(dir, content(3));
      await loaded(3);
      expect(await readdir(root)).toEqual(["ckpt"]);
    });
  }

  it("an error thrown mid-save removes the temp folder and keeps the previous checkpoint", async () => {
    await saveCheckpoint(dir, content(1));
    for (const step of ["tensors-written", "temp-complete", "old-moved-aside"] as const) {
      const failing = saveCheckpoint(dir, content(2), { onStep: (s) => { if (s === step) throw new Error(`boom at ${s}`); } });
      await expect(failing).rejects.toThrow(`boom at ${step}`);
      await loaded(1);
      expect(await readdir(root)).toEqual(["ckpt"]);
    }
  });

  it("reports a half-written folder (no COMPLETE marker)", async () => {
    await saveCheckpoint(dir, content(1));
    await rm(join(dir, "COMPLETE"));
    await expect(loadCheckpoint(dir)).rejects.toThrow(CheckpointError);
    await expect(loadCheckpoint(dir)).rejects.toThrow(`checkpoint: ${dir} has no COMPLETE marker, so it is half-written`);
  });

  it("reports files that do not match their hashes", async () => {
    await saveCheckpoint(dir, content(1));
    const path = join(dir, "tensors.safetensors");
    const bytes = await readFile(path);
    bytes[bytes.length - 1] ^= 0xff;
    await writeFile(path, bytes);
    await expect(loadCheckpoint(dir)).rejects.toThrow(new RegExp(`${path} does not match its hash in COMPLETE .*load an earlier checkpoint`));
    expect((await loadCheckpoint(dir, { verify: false })).state).toEqual(content(1).state); // the caller can opt out
    bytes[bytes.length - 1] ^= 0xff;
    await writeFile(path, bytes);
    await loaded(1);
    await writeFile(join(dir, "state.json"), "{}");
    await expect(loadCheckpoint(dir)).rejects.toThrow(/state\.json does not match its hash/);
    await writeFile(join(dir, "COMPLETE"), "{");
    await expect(loadCheckpoint(dir)).rejects.toThrow(/COMPLETE is not valid JSON; the checkpoint is corrupted/);
  });

  it("reports a missing checkpoint, mentioning interrupted saves", async () => {
    await expect(loadCheckpoint(dir)).rejects.toThrow(FileMissingError);
    await mkdir(`${dir}.tmp-1-0123456789ab`);
    await expect(loadCheckpoint(dir)).rejects.toThrow(`no checkpoint folder at ${dir} (1 interrupted save folder(s) ckpt.tmp-… exist but are incomplete)`);
  });

  it("recovers the newest whole .old folder when several exist", async () => {
    await saveCheckpoint(dir, content(1));
    await rename(dir, `${dir}.old-1-000000000001`);
    await saveCheckpoint(dir, content(2));
    await rename(dir, `${dir}.old-2-000000000002`);
    await mkdir(`${dir}.old-3-000000000003`); // damaged leftover: no marker, skipped
    const checkpoint = await loaded(2);
    expect(checkpoint.recoveredFrom).toBe(`${dir}.old-2-000000000002`);
  });

  it("refuses to replace a folder that is not a checkpoint, and state JSON cannot hold", async () => {
    await mkdir(dir);
    await writeFile(join(dir, "notes.txt"), "mine");
    await expect(saveCheckpoint(dir, content(1))).rejects.toThrow(/holds files that are not part of a checkpoint \(notes\.txt\); pick another folder/);
    await expect(saveCheckpoint(join(root, "x"), { tensors: {}, state: { loss: Infinity } })).rejects.toThrow(/state\.json: value\.loss is Infinity/);
    expect((await readdir(root)).sort()).toEqual(["ckpt"]);
  });
});
