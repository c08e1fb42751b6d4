// Bundles gpu-check-entry.ts into one ES module for Node. Only `webgpu` stays outside: it loads Dawn's
// native addon by path, so it must sit in a node_modules folder next to the bundle.
import { build } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

export async function bundleGpuCheck(outfile) {
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
}
