import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const script = fileURLToPath(new URL("./profile-step.mjs", import.meta.url));
/** profile-step's stderr and exit status for `args` (each case stops at its argument check, before any work). */
const run = (...args) => spawnSync(process.execPath, [script, ...args], { encoding: "utf8" });

describe("profile-step: bad arguments name the flag and what it takes", () => {
  it.each([
    [["--gemm", "gpu"], 'profile-step: --gemm is "gpu"; use wasm, blas or auto'],
    [["--steps", "0"], 'profile-step: --steps is "0"; use a whole number >= 1'],
    [["--quick", "--gpt2"], "profile-step: pass --quick or --gpt2, not both"],
  ])("%j", (args, message) => {
    const { status, stderr } = run(...args);
    expect(status).not.toBe(0);
    expect(stderr).toContain(message);
  });
});

const astScript = fileURLToPath(new URL("./ast-step.mjs", import.meta.url));

describe("ast-step: bad arguments name the flag and what it takes", () => {
  it.each([
    [["--steps", "0"], 'ast-step: --steps is "0"; use a whole number >= 1'],
    [["--steps", "two"], 'ast-step: --steps is "two"; use a whole number >= 1'],
  ])("%j", (args, message) => {
    const { status, stderr } = spawnSync(process.execPath, [astScript, ...args], { encoding: "utf8" });
    expect(status).not.toBe(0);
    expect(stderr).toContain(message);
  });
});
