import { ConfigError, DuplicatePluginError, createRegistry, tensor } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { DistillError } from "./errors.js";
import { registerLosses } from "./register.js";

describe("registerLosses", () => {
  it("registers ce, kl and layerwise under kind `loss`", () => {
    const registry = createRegistry();
    registerLosses(registry);
    expect(registry.names("loss")).toEqual(["ce", "kl", "layerwise"]);
    for (const name of registry.names("loss")) {
      const plugin = registry.get("loss", name);
      expect(plugin.name).toBe(name);
      expect(plugin.apiVersion).toBe(1);
      expect(plugin.description.length).toBeGreaterThan(0);
      expect(plugin.needs.length).toBe(2);
    }
    expect(() => registerLosses(registry)).toThrow(DuplicatePluginError);
  });

  it("plugins build loss functions from config objects and validate options up front", () => {
    const registry = createRegistry();
    registerLosses(registry);
    const logits = tensor([[[0, Math.log(2), 0]]]);
    const uniform = tensor([[[0, 0, 0]]]);
    const kl = registry.get("loss", "kl").create({ temperature: 1 });
    expect(kl({ studentLogits: uniform, teacherLogits: logits }).item()).toBeCloseTo(0.5 * Math.log(9 / 8), 6);
    expect(registry.get("loss", "kl").create().call(null, { studentLogits: logits, teacherLogits: logits }).item()).toBeCloseTo(0, 6);
    const ce = registry.get("loss", "ce").create({});
    expect(ce({ studentLogits: uniform, targets: tensor([[1]], { dtype: "i32" }) }).item()).toBeCloseTo(Math.log(3), 6);
    const sq = registry.get("loss", "layerwise").create({ epsilon: 1 });
    expect(sq({ studentHidden: [tensor([1, 1])], teacherHidden: [tensor([0, 0])] }).item()).toBe(1);
    expect(() => registry.get("loss", "kl").create({ temperature: -1 })).toThrow(ConfigError);
    expect(() => registry.get("loss", "ce").create({ ignore: 1 })).toThrow(/unknown option "ignore"/);
    expect(() => kl({ studentLogits: uniform })).toThrow(DistillError);
    expect(() => kl({ studentLogits: uniform })).toThrow(/loss "kl": input "teacherLogits" is missing/);
  });
});
