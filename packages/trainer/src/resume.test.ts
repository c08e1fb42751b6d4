import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readSafetensors, writeSafetensors } from "@adaptive-sparse/io";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TrainerEvent } from "./events.js";
import { RESUME_CONFIG, RESUME_MODEL, hostTensors, resumeData } from "./resume-fixture.js";
import { modelFrom, pretrainedWeights } from "./test-helpers.js";
import { train } from "./train.js";

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "trainer-resume-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Bundles resume-child.ts (sources of every workspace package included) into one runnable .mjs file. */
async function bundleChild(): Promise<string> {
  const outfile = join(work, "resume-child.mjs");
  await build({
    entryPoints: [fileURLToPath(new URL("./resume-child.ts", import.meta.url))],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    conditions: ["@adaptive-sparse/source"],
    outfile,
    logLevel: "silent",
    // CommonJS dependencies inside an ESM bundle need a require.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  return outfile;
}

describe("checkpoint and resume (bit-identical)", () => {
  it("12 steps in one go equal 6 steps, abort → checkpoint, and a new process resuming to 12", async () => {
    const weights = await pretrainedWeights();
    const teacherFile = join(work, "teacher.safetensors");
    await writeSafetensors(teacherFile, await hostTensors(modelFrom(weights, RESUME_MODEL)));

    // A: uninterrupted.
    const a = await train({ config: RESUME_CONFIG, student: modelFrom(weights, RESUME_MODEL), teacher: modelFrom(weights, RESUME_MODEL), data: resumeData() });
    expect(a.losses).toHaveLength(12);
    const finalA = await hostTensors(a.model);

    // B, part 1: abort after step 5; the abort saves a checkpoint of 6 completed steps.
    const dir = join(work, "ckpt");
    const controller = new AbortController();
    const events: TrainerEvent[] = [];
    const b1 = await train({
      config: { ...RESUME_CONFIG, checkpoint: { dir, every: 4 }, log: { every: 1 } }, // abort right after step 5's event
      student: modelFrom(weights, RESUME_MODEL),
      teacher: modelFrom(weights, RESUME_MODEL),
      data: resumeData(),
      signal: controller.signal,
      onEvent: (event) => {
        events.push(event);
        if (event.type === "step" && event.step === 5) controller.abort();
      },
    });
    expect(b1.status).toBe("aborted");
    expect(b1.step).toBe(6);
    expect(b1.losses).toEqual(a.losses.slice(0, 6));
    expect(events.filter((e) => e.type === "checkpoint").map((e) => [e.step, e.reason])).toEqual([[4, "interval"], [6, "abort"]]);
    expect(events.at(-1)).toMatchObject({ type: "done", summary: { status: "aborted", steps: 6, checkpoint: dir } });

    // B, part 2: a new Node process resumes from the folder.
    const child = spawnSync(process.execPath, [await bundleChild(), dir, teacherFile, work], { encoding: "utf8", timeout: 60_000 });
    expect(child.stderr).toBe("");
    expect(child.status).toBe(0);
    const resumed = JSON.parse(await readFile(join(work, "result.json"), "utf8"));
    expect(resumed).toMatchObject({ status: "completed", step: 12 });
    expect([...b1.losses, ...resumed.losses]).toEqual(a.losses); // bit-identical loss sequence
    const finalB = await readSafetensors(join(work, "final.safetensors"));
    expect([...finalB.keys()].sort()).toEqual(Object.keys(finalA).sort());
    for (const [name, tensor] of finalB) expect(tensor.data, name).toEqual(finalA[name].data); // bit-identical weights, masks, SLoRB
  });
});
