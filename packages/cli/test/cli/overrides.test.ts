import { pruneSettings, loadSettings } from "../../src/settings.js";
import { describe, expect, it } from "vitest";
import { applyOverrides, applyValues, parseOverride, parseSetValue } from "../../src/overrides.js";

describe("--set values", () => {
  it("parse as JSON when they can: numbers, booleans, null, lists, objects", () => {
    expect(parseSetValue("200")).toBe(200);
    expect(parseSetValue("-1.5e-3")).toBe(-0.0015);
    expect(parseSetValue("true")).toBe(true);
    expect(parseSetValue("false")).toBe(false);
    expect(parseSetValue("null")).toBeNull();
    expect(parseSetValue("[1,2,3]")).toEqual([1, 2, 3]);
    expect(parseSetValue('["sotu", "moby-dick"]')).toEqual(["sotu", "moby-dick"]);
    expect(parseSetValue('{"max":0.001,"warmupSteps":1}')).toEqual({ max: 0.001, warmupSteps: 1 });
  });

  it("stay text otherwise, and refuse JSON-looking text that is not JSON", () => {
    expect(parseSetValue("ast")).toBe("ast");
    expect(parseSetValue("data/c4.jsonl.gz")).toBe("data/c4.jsonl.gz");
    expect(parseSetValue("")).toBe("");
    expect(parseSetValue('"200"')).toBe("200"); // JSON quotes keep a number-like string
    expect(() => parseSetValue("{max:0.001}")).toThrow(/--set value \{max:0\.001\} looks like a JSON list or object but is not valid JSON .*--set 'key=\{"max":0\.001\}'/);
    expect(() => parseSetValue("[1,2")).toThrow(/looks like a JSON list or object/);
  });

  it("split into a key path and a value, with a clear error for a malformed override", () => {
    expect(parseOverride("trainer.lr.options.max=0.01")).toEqual({ keys: ["trainer", "lr", "options", "max"], value: 0.01 });
    expect(parseOverride("a=b=c")).toEqual({ keys: ["a"], value: "b=c" });
    for (const bad of ["steps", "=3", "trainer..steps=3", "trainer.=3"]) {
      expect(() => parseOverride(bad)).toThrow(`--set "${bad}" must look like key.path=value (e.g. --set trainer.steps=200)`);
    }
  });

  it("apply to a copy, creating sections, refusing to descend into a value", () => {
    const config = { trainer: { steps: 10, lr: { schedule: "cosine" } } };
    expect(applyOverrides(config, ["trainer.steps=20", "trainer.lr.options={\"max\":1}", "data.corpus=sotu"])).toEqual({
      trainer: { steps: 20, lr: { schedule: "cosine", options: { max: 1 } } },
      data: { corpus: "sotu" },
    });
    expect(config.trainer.steps).toBe(10);
    expect(() => applyOverrides(config, ["trainer.steps.max=1"])).toThrow('--set trainer.steps.max=1: "steps" holds a number, not a section');
  });
});

describe("flag values", () => {
  it("are set as commander typed them, with no text round trip", async () => {
    expect(applyValues({}, { "data.corpus": "2024", "trainer.steps": 5, "trainer.method": undefined })).toEqual({ data: { corpus: "2024" }, trainer: { steps: 5 } });
    const settings = await loadSettings(pruneSettings, "prune", undefined, ["trainer.steps=3"], { "data.corpus": "2024", "trainer.steps": 7 });
    expect(settings.data.corpus).toBe("2024"); // a corpus folder named 2024, not the number 2024
    expect(settings.trainer.steps).toBe(7); // flags win over --set
  });
});
