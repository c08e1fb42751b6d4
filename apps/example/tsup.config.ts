import { defineConfig } from "tsup";

export default defineConfig({ entry: ["src/main.ts", "src/sweep.ts", "src/one-shot-distance.ts"], format: ["esm"], clean: true, sourcemap: true, target: "node20", dts: false });
