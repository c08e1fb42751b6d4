import { defineConfig } from "vitest/config";

// One vitest process runs every workspace project (toolchain.md §5).
export default defineConfig({
  test: { projects: ["packages/*", "apps/*", "tooling/*"] },
});
