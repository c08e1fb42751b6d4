// GPU check: bundles scripts/gpu-check-entry.ts for Node and runs it. It prints the adapter and limits, runs
// every conformance fixture case, compares GPT-2-sized ops (linear, attention scores, vocabulary softmax,
// cross entropy with backward, embedding gradient, 2:4 top-k, reductions) against the cpu backend, and
// measures GEMM GFLOP/s and a GPT-2 124M-shaped training step, and prints a table. Exit code 0 when everything passes.
// Usage: node scripts/gpu-check.mjs [--allow-software] [--small] [--quick]  (--quick: for a short device lease)
// On a CPU-only machine: node scripts/gpu-check.mjs --allow-software --small
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { bundleGpuCheck } from "./bundle-check.mjs";

const here = dirname(fileURLToPath(import.meta.url));
// Written under dist/ (git-ignored) so the bundle still resolves the `webgpu` package from node_modules.
const outfile = join(here, "..", "dist", "gpu-check.bundle.mjs");
await bundleGpuCheck(outfile);
await import(pathToFileURL(outfile).href);
