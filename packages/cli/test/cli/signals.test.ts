import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Generator } from "@adaptive-sparse/core";
import { createByteTokenizer } from "@adaptive-sparse/data";
import { GPT } from "@adaptive-sparse/nn";
import { afterAll, describe, expect, it } from "vitest";
import { saveModelFolder } from "../../src/model-folder.js";
import { FAST, makeFixture } from "./helpers.js";

// Issue 16 items 7 and 10, in child processes running the built command (needs `npm run build` first, as CI does).
const bin = join(import.meta.dirname, "../../bin/adaptive-sparse.js");
const built = existsSync(join(import.meta.dirname, "../../dist/index.js"));
if (!built) console.log("cli signals test: skipped, packages/cli/dist is missing (run `npm run build` first)");

// A zombie (exited, not yet reaped by whoever adopted it) counts as gone.
const alive = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
};

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.skipIf(!built)("signals: SIGINT acted on after the current step; a killed wrapper stops the run", async () => {
  const { root, corpus, model: fast } = await makeFixture();
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  // Steps of ~20-60 ms on cpu, so the test's own pipe reading is far quicker than a step.
  const model = join(root, "slower");
  mkdirSync(model);
  await saveModelFolder(model, { model: new GPT({ nLayer: 2, nHead: 2, nEmbd: 64, blockSize: 64, vocabSize: 257 }, { generator: new Generator(4) }), tokenizer: createByteTokenizer() });
  const args = (out: string, folder = model) => ["prune", "-m", folder, "--method", "dense", "--corpus", corpus, "--steps", "100000", "-o", out, "--backend", "cpu", "--progress", "json", ...FAST, "--set", "trainer.checkpoint.every=100000", "--set", "trainer.eval.every=100000"];

  it("SIGINT stops the run within one step of the last step seen, with a checkpoint", async () => {
    const out = join(root, "sigint");
    const child = spawn(process.execPath, [bin, ...args(out)], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const exited = new Promise<number>((resolve) => child.on("exit", (code) => resolve(code ?? 1)));
    const steps = () => stdout.split("\n").filter((line) => line.includes('"type":"step"')).length;
    const seen = await until("step 5", () => (steps() >= 5 ? steps() : undefined));
    const sent = performance.now();
    child.kill("SIGINT");
    expect(await exited).toBe(0);
    const stoppedAt = Number(/prune: aborted at step (\d+)/.exec(stderr)?.[1]);
    const late = stoppedAt - seen;
    console.log(`cli signals test: SIGINT after ${seen} steps, stopped at step ${stoppedAt} (${late} more), exit ${((performance.now() - sent) / 1000).toFixed(2)} s after the signal`);
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThanOrEqual(2); // the step in progress, plus one for a line still in the pipe
    expect(existsSync(join(out, "checkpoint"))).toBe(true);
  });

  it.each([
    ["exec'd by its wrapper (npx runs the bin as its child)", (command: string) => `exec ${command}`],
    ["behind a shell (sh -c, as npm scripts run it)", (command: string) => `${command}; true`],
  ])("kill -9 on the wrapper: the run %s notices, saves a checkpoint and exits", async (_, shape) => {
    const out = join(root, `orphan-${Math.random().toString(36).slice(2)}`);
    const command = [process.execPath, bin, ...args(out, fast)].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
    const wrapper = join(tmpdir(), `cli-wrapper-${process.pid}.mjs`);
    // Like npx: starts the command as its child and waits; prints the child's pid for the test.
    writeFileSync(wrapper, `import { spawn } from "node:child_process";\nconst child = spawn("sh", ["-c", ${JSON.stringify(shape(command))}], { stdio: ["ignore", "ignore", "ignore"] });\nconsole.log(child.pid);\nsetInterval(() => {}, 1000);\n`);
    // npm and npx set npm_command for what they run; the run watches its parent only then (or when told to).
    const parent = spawn(process.execPath, [wrapper], { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, npm_command: "exec", ADAPTIVE_SPARSE_PARENT_WATCH: "" } });
    let printed = "";
    parent.stdout.on("data", (chunk) => (printed += chunk));
    const shellPid = await until("the child's pid", () => (/^\d+\n/.test(printed) ? Number(printed.trim()) : undefined));
    // The node process: the shell itself after exec, else the shell's child.
    await until("the run to start", () => (existsSync(join(out, "metrics.jsonl")) ? true : undefined));
    parent.kill("SIGKILL");
    const started = Date.now();
    await until("the orphaned run to exit", () => (alive(shellPid) ? undefined : true), 30_000);
    console.log(`cli signals test: orphaned run exited ${((Date.now() - started) / 1000).toFixed(2)} s after kill -9 on its wrapper`);
    expect(existsSync(join(out, "checkpoint"))).toBe(true);
    rmSync(wrapper, { force: true });
  });

  it("who watches: under npm/npx yes, nohup or ADAPTIVE_SPARSE_PARENT_WATCH=0 no, =1 always", async () => {
    const { shouldWatchParent } = await import("../../src/parent-watch.js");
    expect(shouldWatchParent({ npm_command: "exec" })).toBe(true);
    expect(shouldWatchParent({})).toBe(false); // a shell's own rules (SIGHUP, disown) apply
    expect(shouldWatchParent({ npm_command: "exec", ADAPTIVE_SPARSE_PARENT_WATCH: "0" })).toBe(false);
    expect(shouldWatchParent({ ADAPTIVE_SPARSE_PARENT_WATCH: "1" })).toBe(true);
  });
});
