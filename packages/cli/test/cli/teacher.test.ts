import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeFixture, runCli } from "./helpers.js";

describe("prune --teacher", async () => {
  const { root, model, corpus } = await makeFixture();
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const prune = (out: string, ...extra: string[]) => runCli(["prune", "-m", model, "--corpus", corpus, "--method", "naive", "--steps", "2", "--backend", "cpu", "--quiet", "-o", join(root, out), ...extra]);
  const klOf = (out: string) => readFileSync(join(root, out, "metrics.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line)).filter((e) => e.type === "step").map((e) => e.losses.kl);

  it("turns distillation on when the settings leave trainer.distill out (it used to go unused)", async () => {
    const { code } = await prune("with", "--teacher", model);
    expect(code).toBe(0);
    expect(klOf("with").every((kl: unknown) => typeof kl === "number")).toBe(true);
    expect((await prune("without")).code).toBe(0);
    expect(klOf("without").every((kl: unknown) => kl === null)).toBe(true);
  });

  it("with distillation turned off (trainer.distill: null) is an error that says so", async () => {
    const { code, stderr } = await prune("off", "--teacher", model, "--set", "trainer.distill=null");
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(`adaptive-sparse: --teacher ${model}: the settings turn distillation off (trainer.distill: null), so the teacher would go unused; drop --teacher, or give trainer.distill (e.g. --set 'trainer.distill={}')`);
  });
});
