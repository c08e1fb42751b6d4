import { defaultServerConditions } from "vite";
import { defineProject } from "vitest/config";

export default defineProject({
  ssr: { resolve: { conditions: ["@adaptive-sparse/source", ...defaultServerConditions] } },
  test: { name: "conformance", include: ["src/**/*.test.ts"], testTimeout: 60_000 },
});
