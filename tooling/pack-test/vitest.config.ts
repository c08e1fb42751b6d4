import { defineProject } from "vitest/config";

// Build (cached by turbo), pack, two installs and a 20-step training run: minutes, not seconds.
export default defineProject({ test: { name: "pack-test", include: ["src/**/*.test.ts"], testTimeout: 300_000, hookTimeout: 300_000 } });
