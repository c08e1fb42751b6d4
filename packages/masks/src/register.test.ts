import { createRegistry, DuplicatePluginError, UnknownPluginError, validateOptions } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { assertIs24 } from "./assert-nm.js";
import type { MaskStrategy } from "./mask-strategy.js";
import { nmMaskFromScores } from "./nm-mask.js";
import { registerMasks } from "./register.js";

describe("registerMasks", () => {
  it("registers the four built-ins under kind mask", () => {
    const registry = createRegistry();
    expect(registry.names("mask")).toEqual([]); // nothing registers on import
    registerMasks(registry);
    expect(registry.names("mask")).toEqual(["magnitude", "random", "sparsegpt", "wanda"]);
    const weight = { data: new Float32Array([1, -3, 3, 2]), rows: 1, cols: 4 };
    expect([...registry.get("mask", "magnitude").compute(weight, { n: 2, m: 4 })]).toEqual([0, 1, 1, 0]);
    expect(registry.get("mask", "wanda").needs).toEqual({ activations: true });
    expect(registry.get("mask", "sparsegpt").needs).toEqual({ hessian: true });
    for (const name of registry.names("mask")) expect(registry.get("mask", name).apiVersion).toBe(1);
    expect(() => registerMasks(registry)).toThrow(DuplicatePluginError);
    expect(() => registry.get("mask", "magnitud")).toThrow(/registered mask names: magnitude, random, sparsegpt, wanda/);
    expect(() => registry.get("mask", "magnitud")).toThrow(UnknownPluginError);
  });
});

describe("a custom strategy (the README example)", () => {
  // Keeps the N weights closest to a target value: scores are −|w − target|.
  const nearestOptions = z.strictObject({ target: z.number().default(0) });
  const nearestMask: MaskStrategy<z.input<typeof nearestOptions>> = {
    name: "nearest",
    apiVersion: 1,
    description: "Keep the N weights closest to a target value.",
    options: nearestOptions,
    compute(weight, context, options) {
      const { target } = validateOptions('mask "nearest"', nearestOptions, options);
      const scores = weight.data.map((w) => -Math.abs(w - target));
      return nmMaskFromScores(scores, weight.rows, weight.cols, context);
    },
  };

  it("registers beside the built-ins and is called by name", () => {
    const registry = createRegistry();
    registerMasks(registry);
    registry.register("mask", "nearest", nearestMask);
    const strategy = registry.get("mask", "nearest");
    const weight = { data: new Float32Array([0.1, 5, -0.2, 3, 1, 2, 3, 4]), rows: 1, cols: 8 };
    const mask = strategy.compute(weight, { n: 2, m: 4 });
    expect([...mask]).toEqual([1, 0, 1, 0, 1, 1, 0, 0]);
    assertIs24(mask, 1, 8);
    expect([...strategy.compute(weight, { n: 2, m: 4 }, { target: 4 })]).toEqual([0, 1, 0, 1, 0, 0, 1, 1]);
    expect(() => strategy.compute(weight, { n: 2, m: 4 }, { tagret: 4 })).toThrow(/valid options: target/);
  });
});
