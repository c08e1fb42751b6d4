import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FAST, makeFixture } from "./helpers.js";

// Runs the built command in a child process (a real SIGINT). Needs `npm run build` first, as CI does.
const bin = join(import.meta.dirname, "../../bin/adaptive-sparse.js");
const built = existsSync(join(import.meta.dirname, "../../dist/index.js"));
if (!built) console.log("cli resume test: skipped, packages/cli/dist is missing (run `npm run build` first)");

function start(args: string[]) {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<number>((resolve) => child.on("exit", (code) => resolve(code ?? 1)));
  return { child, exited, stderr: () => stderr };
}

describe.skipIf(!built)("prune: SIGINT saves a checkpoint; --resume continues from it", async () => {
  const { root, model, corpus } = await makeFixture();
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const out = join(root, "run");
  const args = ["prune", "-m", model, "--method", "ast", "--corpus", corpus, "--steps", "400", "-o", out, "--backend", "cpu", "--progress", "lines", ...FAST, "--set", "trainer.distill={}", "--set", "trainer.checkpoint.every=1000"];

  it("stops on SIGINT with a checkpoint, then finishes with --resume", async () => {
    const first = start(args);
    // Interrupt once training is under way (the first progress line).
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (/step \d+\/400/.test(first.stderr())) {
          clearInterval(poll);
          first.child.kill("SIGINT");
          resolve();
        }
      }, 50);
    });
    expect(await first.exited).toBe(0);
    expect(first.stderr()).toContain("SIGINT received; saving a checkpoint and stopping");
    expect(first.stderr()).toMatch(/prune: aborted at step (\d+)/);
    const stoppedAt = Number(/prune: aborted at step (\d+)/.exec(first.stderr())![1]);
    expect(stoppedAt).toBeGreaterThan(0);
    expect(stoppedAt).toBeLessThan(400);
    expect(existsSync(join(out, "checkpoint"))).toBe(true);
    expect(existsSync(join(out, "model", "config.json"))).toBe(false); // nothing exported as if complete

    const second = start([...args, "--resume"]);
    expect(await second.exited).toBe(0);
    expect(second.stderr()).toContain("prune: completed at step 400");
    const events = readFileSync(join(out, "metrics.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line));
    const starts = events.filter((e) => e.type === "start");
    expect(starts).toHaveLength(2);
    expect(starts[1].resumedFrom).toBe(join(out, "checkpoint"));
    expect(starts[1].step).toBe(stoppedAt);
    expect(existsSync(join(out, "model", "config.json"))).toBe(true);
  });
});
