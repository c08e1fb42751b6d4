import { DuplicatePluginError, createRegistry } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { registerEvaluators } from "./register.js";

describe("registerEvaluators", () => {
  it("registers every evaluator under kind `evaluator`, with valid plugin fields", () => {
    const registry = createRegistry();
    registerEvaluators(registry);
    expect(registry.names("evaluator")).toEqual(["nm-validity", "perplexity", "throughput", "zero-shot"]);
    for (const name of registry.names("evaluator")) {
      const plugin = registry.get("evaluator", name);
      expect(plugin.name).toBe(name);
      expect(plugin.apiVersion).toBe(1);
      expect(plugin.description.length).toBeGreaterThan(0);
      expect(plugin.metrics.length).toBeGreaterThan(0);
      expect(plugin.needs.length).toBeGreaterThan(0);
      expect(plugin.options.safeParse({ unknownKey: 1 }).success).toBe(false);
    }
    expect(() => registerEvaluators(registry)).toThrow(DuplicatePluginError);
  });
});
