import { abs, createRegistry, DuplicatePluginError, groupTopK, neg, sub, UnknownPluginError, validateOptions } from "@adaptive-sparse/core";
import { computeMaskHost } from "./weight-tensor.js";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { assertIs24 } from "./assert-nm.js";
import type { MaskStrategy } from "./mask-strategy.js";
import { registerMasks } from "./register.js";

describe("registerMasks", () => {
  it("registers the four built-ins under kind mask", async () => {
    const registry = createRegistry();
    expect(registry.names("mask")).toEqual([]); // nothing registers on import
    registerMasks(registry);
    expect(registry.names("mask")).toEqual(["magnitude", "random", "sparsegpt", "wanda"]);
    const weight = { data: new Float32Array([1, -3, 3, 2]), rows: 1, cols: 4 };
    expect([...(await computeMaskHost(registry.get("mask", "magnitude"), weight, { n: 2, m: 4 }))]).toEqual([0, 1, 1, 0]);
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
      return groupTopK(neg(abs(sub(weight, target))), context.n, context.m); // scores −|w − target|
    },
  };

  it("registers beside the built-ins and is called by name", async () => {
    const registry = createRegistry();
    registerMasks(registry);
    registry.register("mask", "nearest", nearestMask);
    const strategy = registry.get("mask", "nearest");
    const weight = { data: new Float32Array([0.1, 5, -0.2, 3, 1, 2, 3, 4]), rows: 1, cols: 8 };
    const mask = (await computeMaskHost(strategy, weight, { n: 2, m: 4 }));
    expect([...mask]).toEqual([1, 0, 1, 0, 1, 1, 0, 0]);
    assertIs24(mask, 1, 8);
    expect([...(await computeMaskHost(strategy, weight, { n: 2, m: 4 }, { target: 4 }))]).toEqual([0, 1, 0, 1, 0, 0, 1, 1]);
    await expect(computeMaskHost(strategy, weight, { n: 2, m: 4 }, { tagret: 4 })).rejects.toThrow(/valid options: target/);
  });
});
