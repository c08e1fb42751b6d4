import { ConfigError, createRegistry, DuplicatePluginError, validateOptions } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { registerSchedules } from "./register.js";

describe("registerSchedules", () => {
  it("registers every schedule under kind `schedule` and the controller under `decayController`", () => {
    const registry = createRegistry();
    registerSchedules(registry);
    expect(registry.names("schedule")).toEqual(["constant", "cosine", "linear-ramp", "relative-ramp", "step", "warmup-cosine"]);
    expect(registry.names("decayController")).toEqual(["flip-target"]);
    for (const name of registry.names("schedule")) {
      const plugin = registry.get("schedule", name);
      expect(plugin.name).toBe(name);
      expect(plugin.apiVersion).toBe(1);
      expect(plugin.description.length).toBeGreaterThan(0);
    }
  });

  it("plugins build schedules from plain config objects and validate them", () => {
    const registry = createRegistry();
    registerSchedules(registry);
    const lr = registry.get("schedule", "warmup-cosine").create({ max: 1e-3, min: 1e-4, warmupSteps: 100, totalSteps: 1000 });
    expect(lr(100)).toBeCloseTo(1e-3, 18);
    expect(() => registry.get("schedule", "linear-ramp").create({ max: 1e-4, rampstep: 10 })).toThrow(ConfigError);
    const plugin = registry.get("schedule", "step");
    expect(validateOptions("test", plugin.options, { value: 1, gamma: 0.5, stepSize: 2 })).toEqual({ value: 1, gamma: 0.5, stepSize: 2 });
    const controller = registry.get("decayController", "flip-target").create({
      initialLambda: 1e-4,
      rampSteps: 10,
      totalSteps: 100,
      startFlipRate: 0.1,
      endFlipRate: 0.01,
    });
    expect(controller.value(5)).toBeCloseTo(5e-5, 18);
  });

  it("throws on a second registration (names are taken)", () => {
    const registry = createRegistry();
    registerSchedules(registry);
    expect(() => registerSchedules(registry)).toThrow(DuplicatePluginError);
  });
});
