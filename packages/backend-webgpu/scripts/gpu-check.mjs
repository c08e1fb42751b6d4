// GPU check: bundles scripts/gpu-check-entry.ts for Node and runs it. It prints the adapter and limits, runs
// every conformance fixture case, compares GPT-2-sized ops (linear, attention scores, vocabulary softmax,
// cross entropy with backward, embedding gradient, 2:4 top-k, reductions) against the cpu backend, and
// times large matmuls. Exit code 0 when everything passes.
// Usage: node scripts/gpu-check.mjs [--allow-software] [--small]
// On a CPU-only machine: node scripts/gpu-check.mjs --allow-software --small
import { build } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
// Written under dist/ (git-ignored) so the bundle still resolves the `webgpu` package from node_modules.
const outfile = join(here, "..", "dist", "gpu-check.bundle.mjs");
await build({
  entryPoints: [join(here, "gpu-check-entry.ts")],
  bundle: true,
  outfile,
  format: "esm",
  platform: "node",
  target: "node20",
  conditions: ["@adaptive-sparse/source"],
  external: ["webgpu"],
  logLevel: "warning",
});
await import(pathToFileURL(outfile).href);
