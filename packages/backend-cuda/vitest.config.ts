import { defaultServerConditions } from "vite";
import { defineProject } from "vitest/config";

export default defineProject({
  // Tests read sibling packages from src/ (the "@adaptive-sparse/source" export condition), so no build is needed.
  ssr: { resolve: { conditions: ["@adaptive-sparse/source", ...defaultServerConditions] } },
  test: { name: "backend-cuda", include: ["src/**/*.test.ts", "test/**/*.test.ts"], testTimeout: 60_000 },
});
