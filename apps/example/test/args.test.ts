import { describe, expect, it } from "vitest";
import { parseArgs, parseScriptArgs } from "../src/run.js";

describe("the example's command line", () => {
  it("reads flags and repeated --set", () => {
    expect(parseArgs(["--quick", "--set", "seeds=[1,2]", "--set", "steps=10", "--out", "runs/x", "--backend", "wasm"])).toEqual({
      quick: true,
      pretrain: false,
      set: ["seeds=[1,2]", "steps=10"],
      out: "runs/x",
      backend: "wasm",
    });
  });

  it("names an unknown argument, and a flag whose value is missing", () => {
    expect(() => parseArgs(["--fast"])).toThrow('unknown argument "--fast"; run with --help');
    expect(() => parseArgs(["--set"])).toThrow("--set needs a value (npm run example [-- --quick] [--pretrain] [--set key=value]... [--out folder] [--backend wasm|cpu|webgpu|gpujs|cuda])");
    expect(() => parseArgs(["--out", "--quick"])).toThrow(/^--out needs a value/);
  });

  it("gives the sweep --set and --backend only", () => {
    expect(parseScriptArgs("the sweep", ["--set", "seeds=[2]", "--backend", "cpu"])).toEqual({ set: ["seeds=[2]"], backend: "cpu" });
    expect(() => parseScriptArgs("the sweep", ["--quick", "--out", "x"])).toThrow("the sweep takes only --set key=value (applied to every run) and --backend; not --quick, --out");
    expect(() => parseScriptArgs("the sweep", ["--bogus"])).toThrow('unknown argument "--bogus"; run with --help');
  });
});
