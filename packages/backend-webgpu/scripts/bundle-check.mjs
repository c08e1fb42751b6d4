// Bundles a GPU check entry (TypeScript) into one ES module for Node. Native-addon packages (`webgpu`, which
// loads Dawn's addon by path; `koffi`) stay outside: they must sit in a node_modules folder next to the bundle.
import { build } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

export async function bundleCheck(entry, outfile) {
  await build({
    entryPoints: [entry],
    bundle: true,
    outfile,
    format: "esm",
    platform: "node",
    target: "node20",
    conditions: ["@adaptive-sparse/source"],
    external: ["webgpu", "koffi"],
    logLevel: "warning",
  });
}

/** The WebGPU check (scripts/gpu-check-entry.ts). */
export function bundleGpuCheck(outfile) {
  return bundleCheck(join(here, "gpu-check-entry.ts"), outfile);
}

/** The CUDA backend's check, when that package has one (bundled into the same pack); tests point GPU_PACK_CUDA_ENTRY elsewhere. */
export const cudaCheckEntry = process.env.GPU_PACK_CUDA_ENTRY || join(here, "..", "..", "backend-cuda", "scripts", "cuda-check-entry.ts");
