import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { makeFixture, runCli } from "./helpers.js";

// Issue 16 items 2, 5, 8, 9: every flag's parse error names the flag and the expected form, before any compute.
describe("flag values: a bad one names the flag and the expected form; nothing runs", async () => {
  const { root, model, corpus } = await makeFixture();
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const out = join(root, "out");
  const prune = (...extra: string[]) => runCli(["prune", "-m", model, "--corpus", corpus, "--method", "naive", "--backend", "cpu", "--quiet", "-o", out, ...extra]);
  const firstLine = (stderr: string) => stderr.split("\n")[0];

  it.each([
    [["--steps", "abc"], "error: option '--steps <n>' argument 'abc' is invalid. Expected a whole number ≥ 1, e.g. --steps 200."],
    [["--steps", "1.5"], "error: option '--steps <n>' argument '1.5' is invalid. Expected a whole number ≥ 1, e.g. --steps 200."],
    [["--steps", "0"], "error: option '--steps <n>' argument '0' is invalid. Expected a whole number ≥ 1, e.g. --steps 200."],
    [["--steps", "2", "--method", "sparse"], "error: option '--method <name>' argument 'sparse' is invalid. Allowed choices are dense, one-shot, naive, imp, gmp, ast."],
    [["--steps", "2", "--set", "trainer.steps"], "error: option '--set <key=value>' argument 'trainer.steps' is invalid. Expected key.path=value, e.g. --set trainer.steps=200."],
    [["--steps", "2", "--progress", "loud"], "error: option '--progress <mode>' argument 'loud' is invalid. Allowed choices are auto, bar, lines, json, quiet."],
    [["--steps", "2", "--separator", ""], "error: option '--separator <text>' argument '' is invalid. Expected a non-empty string, e.g. --separator '\\n' (each line a document)."],
  ])("prune %j", async (flags, message) => {
    const { code, stderr } = await prune(...flags);
    expect(code).toBe(1);
    expect(firstLine(stderr)).toBe(message);
    expect(existsSync(out)).toBe(false);
  });

  it.each([
    [["eval", "-m", "nowhere", "--nm", "4:2"], "error: option '--nm <N:M>' argument '4:2' is invalid. Expected N:M with 1 ≤ N < M (N weights kept in each group of M), e.g. --nm 2:4."],
    [["eval", "-m", "nowhere", "--nm", "2:4", "--max-windows", "-1"], "error: option '--max-windows <n>' argument '-1' is invalid. Expected a whole number ≥ 1, e.g. --max-windows 100."],
    [["generate", "-m", "nowhere", "--temperature", "hot"], "error: option '--temperature <t>' argument 'hot' is invalid. Expected a number ≥ 0, e.g. --temperature 0.8."],
    [["generate", "-m", "nowhere", "-n", "ten"], "error: option '-n, --tokens <n>' argument 'ten' is invalid. Expected a whole number ≥ 1, e.g. -n 100."],
    [["bench", "-m", "nowhere", "--batch-size", "2x"], "error: option '--batch-size <n>' argument '2x' is invalid. Expected a whole number ≥ 1, e.g. --batch-size 8."],
    [["export", "-m", "nowhere", "--format", "hf", "-o", "x", "--dtype", "f8"], "error: option '--dtype <dtype>' argument 'f8' is invalid. Allowed choices are f32, f16, bf16."],
    [["export", "-m", "nowhere", "--format", "onnx", "-o", "x"], "error: option '--format <format>' argument 'onnx' is invalid. Allowed choices are hf, compressed24."],
    // Checked before the model loads ("nowhere" is never read).
    [["export", "-m", "nowhere", "--format", "compressed24", "-o", "x", "--dtype", "f16"], "adaptive-sparse: --dtype sets the weight storage of --format hf; compressed24 keeps f32 values and 4-bit positions (leave --dtype out)"],
  ])("%j", async (args, message) => {
    const { code, stderr } = await runCli(args);
    expect(code).toBe(1);
    expect(firstLine(stderr)).toBe(message);
  });

  it("--version and -V print the package's version and exit 0", async () => {
    const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    const printed: string[] = [];
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (printed.push(String(chunk)), true));
    try {
      expect((await runCli(["--version"])).code).toBe(0);
      expect((await runCli(["-V"])).code).toBe(0);
    } finally {
      spy.mockRestore();
    }
    expect(printed).toEqual([`${version}\n`, `${version}\n`]);
  });

  it("a parse error is two lines: the error and where to find the usage (not the whole help)", async () => {
    const { stderr } = await prune("--steps", "abc");
    expect(stderr).toBe("error: option '--steps <n>' argument 'abc' is invalid. Expected a whole number ≥ 1, e.g. --steps 200.\n(add --help for usage)\n");
  });

  it("no --corpus says --corpus is required (not a zod path)", async () => {
    const { code, stderr } = await runCli(["prune", "-m", model, "--method", "naive", "--steps", "2", "--backend", "cpu", "-o", out]);
    expect(code).toBe(1);
    expect(stderr).toBe("adaptive-sparse: prune: --corpus <name|path> is required (or set data.corpus in the -c config file, or --set data.corpus=...)\n");
    const pretrain = await runCli(["pretrain", "--steps", "2", "-o", out]);
    expect(pretrain.stderr).toContain("pretrain: --corpus <name|path> is required");
    expect(existsSync(out)).toBe(false);
  });

  it("no --method says --method is required and names the methods (not a zod path)", async () => {
    const { code, stderr } = await runCli(["prune", "-m", model, "--corpus", "sotu", "--steps", "2", "--backend", "cpu", "-o", out]);
    expect(code).toBe(1);
    expect(stderr).toBe(
      "adaptive-sparse: prune: --method <dense|one-shot|naive|imp|gmp|ast> is required (or set trainer.method in the -c config file, or --set trainer.method=...)\n",
    );
    expect(existsSync(out)).toBe(false);
  });

  it("generate takes --max-new-tokens (the Hugging Face name) as -n, and refuses both at once", async () => {
    const greedy = ["generate", "-m", model, "-p", "the", "--temperature", "0", "--backend", "cpu"];
    const viaN = await runCli([...greedy, "-n", "6"]);
    const viaHf = await runCli([...greedy, "--max-new-tokens", "6"]);
    const longer = await runCli([...greedy, "-n", "12"]);
    expect([viaN.code, viaHf.code, longer.code]).toEqual([0, 0, 0]);
    expect(viaHf.stdout).toBe(viaN.stdout); // greedy: the same 6 tokens
    expect(longer.stdout.startsWith(viaN.stdout.trimEnd())).toBe(true); // and the first 6 of 12
    expect(longer.stdout.length).toBeGreaterThan(viaN.stdout.length);
    const both = await runCli([...greedy, "-n", "6", "--max-new-tokens", "6"]);
    expect(both.code).not.toBe(0);
    expect(both.stderr).toContain("error: option '--max-new-tokens <n>' cannot be used with option '-n, --tokens <n>'");
  });

  it("prune --help says which lr and decay values are used by default", async () => {
    const { code, stdout } = await captureHelp(["prune", "--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("trainer.lr.options:    max 0.0002, min 0.00002, warmupSteps 5% of the steps (warmup-cosine)");
    expect(stdout).toContain("trainer.decay.options: max 0.0001, rampSteps 25% of the steps (linear-ramp)");
  });

  it("pretrain with only --corpus, --steps and -o takes the default model shape and lr schedule, and --help names them", async () => {
    const folder = join(root, "pretrained");
    const { code, stderr } = await runCli(["pretrain", "--corpus", corpus, "--steps", "2", "--set", "tokenizer.type=byte", "--backend", "cpu", "--quiet", "-o", folder]);
    expect(stderr).toContain("pretrain: completed at step 2");
    expect(code).toBe(0);
    const config = JSON.parse(readFileSync(join(folder, "config.json"), "utf8"));
    expect([config.n_layer, config.n_head, config.n_embd, config.n_positions]).toEqual([4, 4, 128, 64]);
    const start = readFileSync(join(folder, "metrics.jsonl"), "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line)).find((event) => event.type === "start");
    expect(start.config.lr).toEqual({ options: { max: 1e-3, min: 1e-4, warmupSteps: 0 } }); // the schedule left out: warmup-cosine
    const help = await captureHelp(["pretrain", "--help"]);
    expect(help.stdout).toContain("model:     nLayer 4, nHead 4, nEmbd 128, blockSize 64 (the example teacher's shape)");
    expect(help.stdout).toContain("trainer.lr.options: max 0.001, min 0.0001, warmupSteps 5% of the steps (warmup-cosine)");
  });
});

/** --help goes to process.stdout.write (not console.log), so capture that. */
async function captureHelp(args: string[]) {
  const { main } = await import("../../src/main.js");
  let stdout = "";
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => ((stdout += chunk), true)) as typeof process.stdout.write;
  try {
    return { code: await main(["node", "adaptive-sparse", ...args]), stdout };
  } finally {
    process.stdout.write = write;
  }
}
