import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NonFiniteError, tensor } from "@adaptive-sparse/core";
import { loadCheckpoint } from "@adaptive-sparse/io";
import type { GPT } from "@adaptive-sparse/nn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TrainerCheckpointState } from "./checkpoint.js";
import type { TrainerConfigInput } from "./config.js";
import { NonFiniteLossError, RunFinishedError, TrainerError } from "./errors.js";
import type { TrainerEvent } from "./events.js";
import { modelFrom, pretrainedWeights, sampler } from "./test-helpers.js";
import { train } from "./train.js";

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "trainer-failures-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

// log.every 1: every step's loss is read (and its event emitted) right after the step, so handlers act between steps.
const config: TrainerConfigInput = { method: "naive", steps: 12, lr: { options: { max: 1e-2, min: 1e-3, warmupSteps: 2 } }, refresh: { every: 5 }, log: { every: 1 } };

/** Writes NaN into the final LayerNorm gain, so every logit of the next forward is NaN. */
function poison(model: GPT): void {
  const gain = model.getParameter("transformer.ln_f.weight");
  gain.assign(tensor(new Float32Array(gain.size).fill(Number.NaN), { shape: gain.shape }));
}

describe("failures", () => {
  it("a NaN loss stops the run naming the step; the last good checkpoint stays and resumes", async () => {
    const weights = await pretrainedWeights();
    const dir = join(work, "nan");
    const student = modelFrom(weights);
    const events: TrainerEvent[] = [];
    const run = train({
      config: { ...config, checkpoint: { dir, every: 5 } },
      student,
      data: { train: sampler() },
      onEvent: (event) => {
        events.push(event);
        if (event.type === "step" && event.step === 6) poison(student);
      },
    });
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect(error).toBeInstanceOf(NonFiniteError);
    expect((error as NonFiniteLossError).step).toBe(7);
    expect((error as NonFiniteLossError).checkpoint).toBe(dir);
    expect((error as Error).message).toMatch(new RegExp(`the loss is NaN at step 7; the run stopped at the next logging point .*The last good checkpoint is ${dir}`));
    expect(events.filter((e) => e.type === "step").map((e) => e.step)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(events.some((e) => e.type === "done")).toBe(false);

    const saved = await loadCheckpoint<TrainerCheckpointState>(dir);
    expect(saved.state.step).toBe(5);
    expect([...(saved.tensors.get("model.transformer.ln_f.weight")!.data as Float32Array)].every(Number.isFinite)).toBe(true);

    const resumed = await train({ config: { ...config, checkpoint: { dir } }, student: modelFrom(weights), data: { train: sampler() }, resumeFrom: dir });
    expect(resumed.status).toBe("completed");
    expect(resumed.losses).toHaveLength(7);
    expect(resumed.losses.every(Number.isFinite)).toBe(true);
  });

  it("with metrics read every 10 steps, a NaN at step 7 is found before the step-10 checkpoint, which is never written", async () => {
    const weights = await pretrainedWeights();
    const dir = join(work, "nan-late");
    const student = modelFrom(weights);
    const events: TrainerEvent[] = [];
    // The poison goes in when step 7 draws its batch (after step 6's update); step 7's loss is NaN, found only
    // when the metrics are read: before the step-10 checkpoint.
    const sampled = sampler();
    const next = () => {
      if (sampled.state().step === 7) poison(student);
      return sampled.next();
    };
    const run = train({
      config: { ...config, log: { every: 10 }, checkpoint: { dir, every: 5 } },
      student,
      data: { train: new Proxy(sampled, { get: (target, key, receiver) => (key === "next" ? next : Reflect.get(target, key, receiver)) }) },
      onEvent: (event) => void events.push(event),
    });
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect((error as NonFiniteLossError).step).toBe(7);
    expect((error as NonFiniteLossError).checkpoint).toBe(dir);
    expect(events.filter((e) => e.type === "checkpoint").map((e) => (e as { step: number }).step)).toEqual([5]); // not 10
    expect(events.filter((e) => e.type === "step").map((e) => e.step)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const saved = await loadCheckpoint<TrainerCheckpointState>(dir);
    expect(saved.state.step).toBe(5);
  });

  it("an abort without a checkpoint folder just stops (no finalize), reporting it", async () => {
    const controller = new AbortController();
    const events: TrainerEvent[] = [];
    const result = await train({
      config,
      student: modelFrom(await pretrainedWeights()),
      data: { train: sampler() },
      signal: controller.signal,
      onEvent: (event) => {
        events.push(event);
        if (event.type === "step" && event.step === 2) controller.abort();
      },
    });
    expect(result).toMatchObject({ status: "aborted", step: 3, summary: { status: "aborted", steps: 3, checkpoint: null } });
    expect(events.map((e) => e.type)).toEqual(["start", "step", "refresh", "step", "step", "done"]); // no finalize refresh, no eval
  });

  it("a signal that fires between steps stops the run after the current step, even with no step event to yield on", async () => {
    const controller = new AbortController();
    const result = await train({
      config: { ...config, log: { every: 1000 } }, // no step event (no read) before the end
      student: modelFrom(await pretrainedWeights()),
      data: { train: sampler() },
      signal: controller.signal,
      // A macrotask queued at the start, as a SIGINT handler would be: it runs at the loop's first turn.
      onEvent: (event) => void (event.type === "start" && setImmediate(() => controller.abort())),
    });
    expect(result).toMatchObject({ status: "aborted", step: 0 });
  });

  it("refuses to resume with a different config, naming what changed", async () => {
    const dir = join(work, "other");
    const weights = await pretrainedWeights();
    await train({ config: { ...config, steps: 3, checkpoint: { dir } }, student: modelFrom(weights), data: { train: sampler() } });
    const changed = train({ config: { ...config, steps: 3, refresh: { every: 4 } }, student: modelFrom(weights), data: { train: sampler() }, resumeFrom: dir });
    await expect(changed).rejects.toThrow(TrainerError);
    await expect(changed).rejects.toThrow(/written with a different config \(differs in: refresh\)/);
    // The finished 3-step run asked for 5: a RunFinishedError that says why a resume cannot lengthen it.
    const longer = train({ config: { ...config, steps: 5 }, student: modelFrom(weights), data: { train: sampler() }, resumeFrom: dir });
    await expect(longer).rejects.toThrow(RunFinishedError);
    await expect(longer).rejects.toThrow(
      `resume: ${dir} holds a finished run (3 of 3 steps), and a resume cannot lengthen a run (its learning-rate schedule spans its 3 steps); to train further, start a new run from the model the finished one saved`,
    );
    await expect(longer).rejects.toMatchObject({ steps: 3 });
    const missing = train({ config, student: modelFrom(weights), data: { train: sampler() }, resumeFrom: join(work, "nowhere") });
    await expect(missing).rejects.toThrow(/no checkpoint folder/);
  });
});
