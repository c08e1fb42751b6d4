import { add, tensor, tidy, type Tensor } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { ModuleError } from "./errors.js";
import { Linear } from "./linear.js";
import { ModuleList } from "./module-list.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";

class Net extends Module<[Tensor], Tensor> {
  readonly layers: ModuleList<Linear>;
  readonly scale: Parameter;
  constructor() {
    super();
    this.layers = this.registerModule("layers", new ModuleList([new Linear(3, 4), new Linear(4, 2, { bias: false })]));
    this.scale = this.registerParameter("scale", new Parameter(tensor([2])));
  }
  forward(x: Tensor): Tensor {
    let h = x;
    for (const layer of this.layers) h = layer.call(h);
    return h.mul(this.scale);
  }
}

describe("Module", () => {
  it("names parameters with dotted paths in registration order", () => {
    const net = new Net();
    expect(net.namedParameters().map(([name, p]) => [name, [...p.shape]])).toEqual([
      ["scale", [1]],
      ["layers.0.weight", [4, 3]],
      ["layers.0.bias", [4]],
      ["layers.1.weight", [2, 4]],
    ]);
    expect(net.numParameters()).toBe(1 + 12 + 4 + 8);
    expect(net.namedModules().map(([name]) => name)).toEqual(["", "layers", "layers.0", "layers.1"]);
    expect(net.getParameter("layers.1.weight")).toBe(net.layers.at(1).weight);
    expect(net.getModule("layers.0")).toBe(net.layers.at(0));
  });

  it("lists a shared parameter once", () => {
    class Holder extends Module<[], void> {
      constructor(weight: Parameter) {
        super();
        this.registerParameter("w", weight);
      }
      forward(): void {}
    }
    class Tied extends Module<[], void> {
      constructor() {
        super();
        const a = this.registerModule("a", new Linear(2, 2));
        this.registerModule("b", new Holder(a.weight));
      }
      forward(): void {}
    }
    expect(new Tied().namedParameters().map(([n]) => n)).toEqual(["a.weight", "a.bias"]);
  });

  it("switches train/eval mode recursively", () => {
    const net = new Net();
    expect(net.eval().namedModules().every(([, m]) => !m.training)).toBe(true);
    expect(net.train().namedModules().every(([, m]) => m.training)).toBe(true);
  });

  it("gives clear errors for unknown names and duplicate registrations", () => {
    const net = new Net();
    expect(() => net.getModule("layers.7")).toThrow(/has no child "7" \(children: 0, 1\)/);
    expect(() => net.getParameter("layers.0.gain")).toThrow(ModuleError);
    expect(() => net.registerParameter("scale", net.scale)).toThrow(/"scale" is already registered/);
    expect(() => net.registerModule("a.b", new Linear(1, 1))).toThrow(/dots separate path segments/);
    expect(() => net.replaceModule("nope", new Linear(1, 1))).toThrow(/no child "nope" \(children: layers\)/);
    expect(() => net.layers.forward()).toThrow(/ModuleList has no forward/);
  });

  it("runs forward hooks after forward, lets them replace the output, and removes them", () => {
    const net = new Net();
    const seen: { inputShape: number[]; outputShape: number[] }[] = [];
    const remove = net.layers.at(0).registerForwardHook((module, [input], output) => {
      expect(module).toBe(net.layers.at(0));
      seen.push({ inputShape: [...input.shape], outputShape: [...output.shape] });
    });
    const x = tensor([[1, 0, -1]]);
    const plain = tidy(() => [...net.call(x).dataSync()]);
    expect(seen).toEqual([{ inputShape: [1, 3], outputShape: [1, 4] }]);
    remove();
    tidy(() => net.call(x));
    expect(seen).toHaveLength(1);
    const removeShift = net.registerForwardHook((_m, _i, output) => add(output, 1));
    const shifted = tidy(() => [...net.call(x).dataSync()]);
    shifted.forEach((v, i) => expect(v - plain[i]).toBeCloseTo(1, 5));
    removeShift();
  });

  it("zeroGrad clears every gradient", () => {
    const net = new Net();
    tidy(() => net.call(tensor([[1, 2, 3]])).sum().backward());
    expect(net.parameters().every((p) => p.grad !== null)).toBe(true);
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
  });
});
