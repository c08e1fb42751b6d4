// Stress test of the wasm backend's worker pool and arena (issue 18):
//   node packages/backend-wasm/scripts/stress.mjs [--seconds 60] [--threads 1,2,3] [--relaxed both|true|false]
//     [--load 0] [--seed 1] [--backend-seconds 2]
// Loops the example's kernels (pool GEMMs, row kernels, Add/Mul/ReduceSum, Permute, Where, 2:4 GEMV and GEMM) on fresh
// backends, each result checked against the cpu kernels (src/stress/stress-loop.ts). --load N starts N
// busy-looping Node processes for the duration, so the pool's threads get preempted as on a busy machine.
// No build step: esbuild bundles the TypeScript sources into .cache/ (git-ignored) first. Exit code 1 on
// any wrong result or thrown error.
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const USAGE = "usage: node scripts/stress.mjs [--seconds N] [--threads 1,2,3] [--relaxed both|true|false] [--load N] [--seed N] [--backend-seconds N]";
const settings = { seconds: "60", threads: "1,2,3", relaxed: "both", load: "0", seed: "1", "backend-seconds": "2" };
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i += 2) {
  const key = args[i]?.replace(/^--/, "");
  if (!key || !(key in settings) || args[i + 1] === undefined) {
    console.error(`stress: ${args[i]} is not an option or has no value\n${USAGE}`);
    process.exit(2);
  }
  settings[key] = args[i + 1];
}
const number = (key) => {
  const value = Number(settings[key]);
  if (!Number.isFinite(value) || value < 0) {
    console.error(`stress: --${key} ${settings[key]} is not a non-negative number\n${USAGE}`);
    process.exit(2);
  }
  return value;
};
const threads = settings.threads.split(",").map(Number);
if (threads.some((t) => !Number.isInteger(t) || t < 1)) {
  console.error(`stress: --threads ${settings.threads} must list positive integers, e.g. 1,2,3`);
  process.exit(2);
}
const relaxed = { both: [false, true], true: [true], false: [false] }[settings.relaxed];
if (!relaxed) {
  console.error(`stress: --relaxed ${settings.relaxed} must be both, true or false`);
  process.exit(2);
}

const bundle = join(root, ".cache", "stress.mjs");
mkdirSync(dirname(bundle), { recursive: true });
await build({
  stdin: { contents: 'export { runStress } from "./src/stress/stress-loop.ts"; export { enableRelaxedSimdInNode } from "./src/wasm/kernel-module.ts";', resolveDir: root, loader: "ts" },
  bundle: true, platform: "node", format: "esm", target: "node20", outfile: bundle, logLevel: "error",
  conditions: ["@adaptive-sparse/source"], external: ["koffi"],
});
const { runStress, enableRelaxedSimdInNode } = await import(pathToFileURL(bundle).href);
if (relaxed.includes(true) && !(await enableRelaxedSimdInNode())) {
  console.error("stress: this Node has no relaxed SIMD; pass --relaxed false");
  process.exit(2);
}

// Busy processes we started, ended by their pid when the run ends.
const load = Array.from({ length: number("load") }, () => spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" }));
const stopLoad = () => load.forEach((child) => child.kill());
process.on("exit", stopLoad);
console.log(`stress: ${number("seconds")} s, threads ${threads.join(",")}, ${settings.relaxed === "both" ? "baseline and relaxed" : settings.relaxed === "true" ? "relaxed" : "baseline"} SIMD, ${load.length} busy process(es), seed ${settings.seed}`);
const report = await runStress({
  seconds: number("seconds"), threads, relaxed, seed: number("seed"), backendSeconds: number("backend-seconds"),
  log: (line) => console.log(`stress: ${line}`),
});
stopLoad();
console.log(JSON.stringify(report, null, 2));
console.log(report.failures.length ? `stress: FAILED (${report.failures.length} failure(s))` : `stress: OK, ${report.calls} calls without a wrong result or a trap`);
process.exit(report.failures.length ? 1 : 0);
