import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createCpuBackend } from "@adaptive-sparse/core";
import { WasmKernelError } from "@adaptive-sparse/backend-wasm";
import { createCliRegistry } from "../../src/registry.js";
import { withContinueHint } from "../../src/run-folder.js";
import { CliError } from "../../src/errors.js";
import { FAST, makeFixture, runCli } from "./helpers.js";

// Issue 16 item 6: --resume without a checkpoint, and an existing run folder without --resume/--force, are refused.
describe("the run folder: --resume needs a checkpoint, an existing run needs --resume or --force", async () => {
  const { root, model, corpus } = await makeFixture();
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const prune = (out: string, ...extra: string[]) => runCli(["prune", "-m", model, "--corpus", corpus, "--method", "dense", "--steps", "2", "--backend", "cpu", "--quiet", "-o", out, ...FAST, ...extra]);

  it("--resume with no checkpoint is refused before anything is written", async () => {
    const out = join(root, "fresh");
    const { code, stderr } = await prune(out, "--resume");
    expect(code).toBe(1);
    expect(stderr).toBe(`adaptive-sparse: --resume needs a checkpoint, and ${join(out, "checkpoint")} does not exist (a run saves one every checkpoint.every steps and when stopped); drop --resume to start a new run\n`);
    expect(existsSync(out)).toBe(false);
  });

  it("a second run into the same folder is refused; --force replaces it (one start record, not two)", async () => {
    const out = join(root, "run");
    const first = await prune(out);
    expect(first.stderr).toContain("prune: completed at step 2");
    expect(first.code).toBe(0);
    const before = readFileSync(join(out, "metrics.jsonl"), "utf8");
    const again = await prune(out);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(new RegExp(`^adaptive-sparse: the output folder ${out} already holds a run \\((.*metrics\\.jsonl.*)\\); add --resume to continue it from its checkpoint, --force to replace it, or choose another -o/--out folder\\n$`));
    expect(readFileSync(join(out, "metrics.jsonl"), "utf8")).toBe(before);
    writeFileSync(join(out, "notes.txt"), "mine");
    const forced = await prune(out, "--force");
    expect(forced.code).toBe(0);
    const starts = readFileSync(join(out, "metrics.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line)).filter((e) => e.type === "start");
    expect(starts).toHaveLength(1);
    expect(starts[0]).toMatchObject({ run: "dense", method: "dense", seed: 1337 });
    expect(readFileSync(join(out, "notes.txt"), "utf8")).toBe("mine"); // only the run's own outputs are replaced
    const both = await prune(out, "--force", "--resume");
    expect(both.stderr).toBe("adaptive-sparse: --resume continues the run in the output folder and --force replaces it; pass only one\n");
  });

  it("--resume with more --steps on a finished run says why it cannot, and the command that trains on", async () => {
    const out = join(root, "finished");
    expect((await prune(out)).code).toBe(0);
    const { code, stderr } = await runCli(["prune", "-m", model, "--corpus", corpus, "--method", "dense", "--steps", "4", "--backend", "cpu", "--quiet", "-o", out, ...FAST, "--resume"]);
    expect(code).toBe(1);
    expect(stderr).toBe(
      `adaptive-sparse: resume: ${join(out, "checkpoint")} holds a finished run (2 of 2 steps), and a resume cannot lengthen a run (its learning-rate schedule spans its 2 steps); ` +
        `to train further, start a new run from the model the finished one saved: adaptive-sparse prune -m ${join(out, "model")} with another -o folder\n`,
    );
  });

  it("a backend fault after a checkpoint: the message says --resume and --backend cpu, and --resume continues", async () => {
    // A user-registered backend: core's cpu backend whose MatMul traps (as a wasm kernel would) once a checkpoint exists.
    const out = join(root, "faulty");
    const registry = createCliRegistry();
    registry.register("backend", "faulty", {
      name: "faulty", apiVersion: 1, priority: 0, isAvailable: () => true,
      create() {
        const cpu = createCpuBackend();
        const kernels = new Proxy(cpu.kernels, {
          get(target, key) {
            const kernel = Reflect.get(target, key);
            if (key !== "MatMul" || typeof kernel !== "function") return kernel;
            return (...args: unknown[]) => {
              if (existsSync(join(out, "checkpoint"))) throw new WasmKernelError({ op: "MatMul", reason: "RuntimeError: memory access out of bounds", thread: 1, threads: 2 });
              return kernel.apply(target, args);
            };
          },
        });
        return Object.create(cpu, { name: { value: "faulty" }, kernels: { value: kernels } });
      },
    });
    const args = ["prune", "-m", model, "--corpus", corpus, "--method", "dense", "--steps", "6", "--quiet", "-o", out, ...FAST, "--set", "trainer.checkpoint.every=2"];
    const { main } = await import("../../src/main.js");
    let stderr = "";
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => ((stderr += chunk), true)) as typeof process.stderr.write;
    try {
      expect(await main(["node", "adaptive-sparse", ...args, "--backend", "faulty"], { registry })).toBe(1);
    } finally {
      process.stderr.write = write;
    }
    expect(stderr).toMatch(/^adaptive-sparse: wasm backend: MatMul trapped on worker thread 1 .*\nTo continue: the last checkpoint \(step 2\) is in \S+checkpoint: rerun the command that started the run, with --resume, to continue from it; add --backend cpu to run on the reference backend instead\.\n$/s);
    expect(existsSync(join(out, "model"))).toBe(false); // nothing exported as if complete
    expect(existsSync(join(out, "results.json"))).toBe(false);
    const resumed = await runCli([...args, "--backend", "cpu", "--resume"]);
    expect(resumed.stderr).toContain("prune: completed at step 6");
  });

  it("an error after a checkpoint says --resume; a backend fault also says --backend cpu", () => {
    const trap = Object.assign(new CliError("wasm backend: MatMul trapped"), { code: "E_WASM_KERNEL_TRAP" });
    const hinted = withContinueHint(trap, { dir: "runs/x/checkpoint", step: 50 }, "unused") as Error;
    expect(hinted.message).toBe("wasm backend: MatMul trapped\nTo continue: the last checkpoint (step 50) is in runs/x/checkpoint: rerun the command that started the run, with --resume, to continue from it; add --backend cpu to run on the reference backend instead.");
    expect((withContinueHint(trap, undefined, "unused") as Error).message).toBe("wasm backend: MatMul trapped\nTo continue: rerun with --backend cpu to run on the reference backend instead.");
    const plain = new CliError("something else");
    expect(withContinueHint(plain, undefined, "unused")).toBe(plain);
  });
});
