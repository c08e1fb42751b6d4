import { decompose } from "./decompose.js";

export type ReduceOp = "sum" | "max" | "argmax";

/**
 * One thread per output element looping over the reduced elements. Params
 * `[nOut, R, keptRank, redRank, keptShape..., keptStrides..., redShape..., redStrides...]`. Max and argmax
 * start from the first element (no infinity literal needed); the first maximum wins ties. NaN inputs are
 * routed to the cpu kernels by the backend.
 */
export function reduceSource(op: ReduceOp): string {
  const step = op === "sum" ? "acc = acc + v;" : op === "max" ? "if (v > acc) { acc = v; }" : "if (v > acc) { acc = v; best = j; }";
  return `function (x, p) {
    const i = this.thread.x;
    const kr = p[2];
    const rr = p[3];
    let base = 0;
    ${decompose("i", "kr", "4", [{ name: "base", strideAt: "4 + kr" }], "K")}
    let acc = ${op === "sum" ? "0" : "x[base]"};
    let best = 0;
    for (let j = ${op === "sum" ? 0 : 1}; j < p[1]; j++) {
      let off = base;
      ${decompose("j", "rr", "4 + 2 * kr", [{ name: "off", strideAt: "4 + 2 * kr + rr" }], "R")}
      const v = x[off];
      ${step}
    }
    return ${op === "argmax" ? "best" : "acc"};
  }`;
}
