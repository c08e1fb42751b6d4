// CUDA check: bundles scripts/cuda-check-entry.ts for Node (koffi kept external) and runs it. On a machine
// without an NVIDIA GPU it stops at once, naming each missing CUDA library and where it looked.
// Usage: node packages/backend-cuda/scripts/cuda-check.mjs [--small]
import { build } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
// Written under dist/ (git-ignored) so the bundle still resolves koffi from node_modules.
const outfile = join(here, "..", "dist", "cuda-check.bundle.mjs");
await build({
  entryPoints: [join(here, "cuda-check-entry.ts")],
  bundle: true,
  outfile,
  format: "esm",
  platform: "node",
  target: "node20",
  conditions: ["@adaptive-sparse/source"],
  external: ["koffi"],
  logLevel: "warning",
});
await import(pathToFileURL(outfile).href);
