import { describe, expect, it } from "vitest";
import { DuplicatePluginError, createRegistry } from "@adaptive-sparse/core";
import { registerData } from "./register.js";

describe("registerData", () => {
  it("registers every tokenizer and dataset under its name", async () => {
    const registry = createRegistry();
    registerData(registry);
    expect(registry.names("tokenizer")).toEqual(["bpe", "byte", "gpt2", "hf"]);
    expect(registry.names("dataset")).toEqual(["jsonl", "moby-dick", "parquet", "sotu", "spam-assassin-ham", "text-file", "text-folder", "token-bin"]);
    for (const kind of ["tokenizer", "dataset"] as const) {
      for (const name of registry.names(kind)) {
        const plugin = registry.get(kind, name);
        expect(plugin.apiVersion).toBe(1);
        expect(plugin.name).toBe(name);
      }
    }
    expect(registry.get("dataset", "token-bin").format).toBe("tokens");
    const byte = await registry.get("tokenizer", "byte").create();
    expect(Array.from(byte.encode("A"))).toEqual([65]);
  });

  it("refuses to register twice into one registry", () => {
    const registry = createRegistry();
    registerData(registry);
    expect(() => registerData(registry)).toThrow(DuplicatePluginError);
  });
});
