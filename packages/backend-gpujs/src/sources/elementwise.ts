import { decompose } from "./decompose.js";

export type UnaryOp = "Neg" | "Exp" | "Log" | "Sqrt" | "Reciprocal" | "Tanh";
export type BinaryOp = "Add" | "Mul" | "Pow" | "Maximum" | "CmpLt" | "CmpLe" | "CmpEq";

const UNARY: Record<UnaryOp, string> = {
  Neg: "-v",
  Exp: "Math.exp(v)",
  Log: "Math.log(v)",
  Sqrt: "Math.sqrt(v)",
  Reciprocal: "1 / v",
  Tanh: "Math.tanh(v)",
};

/** `y[i] = f(x[i])`. */
export function unarySource(op: UnaryOp): string {
  return `function (x) {
    const v = x[this.thread.x];
    return ${UNARY[op]};
  }`;
}

const BINARY: Record<BinaryOp, string> = {
  Add: "va + vb",
  Mul: "va * vb",
  Pow: "Math.pow(va, vb)",
  // NaN inputs never reach this kernel (the backend sends them to the cpu kernel): gpu.js's WGSL drops them.
  Maximum: "Math.max(va, vb)",
  CmpLt: "va < vb ? 1 : 0",
  CmpLe: "va <= vb ? 1 : 0",
  CmpEq: "va === vb ? 1 : 0",
};

/**
 * Broadcasting through strides, params `p = [n, rank, shape..., strides of each input...]`. An input with the
 * output's layout (`same`) reads index `i` and skips the arithmetic.
 */
function broadcastReads(names: readonly string[], same: readonly boolean[]): string {
  const strided = names.map((name, k) => ({ name: `o${name}`, strideAt: `2 + p[1] * ${k + 1}`, k })).filter(({ k }) => !same[k]);
  const inits = names.map((name, k) => `let o${name} = ${same[k] ? "i" : "0"};`).join("\n    ");
  return strided.length ? `${inits}\n    ${decompose("i", "p[1]", "2", strided, "")}` : inits;
}

export function binarySource(op: BinaryOp, same: readonly [boolean, boolean]): string {
  return `function (a, b, p) {
    const i = this.thread.x;
    ${broadcastReads(["a", "b"], same)}
    const va = a[oa];
    const vb = b[ob];
    return ${BINARY[op]};
  }`;
}

/** `y[i] = c[ic] !== 0 ? a[ia] : b[ib]`, broadcasting like {@link binarySource}. */
export function whereSource(same: readonly [boolean, boolean, boolean]): string {
  return `function (c, a, b, p) {
    const i = this.thread.x;
    ${broadcastReads(["c", "a", "b"], same)}
    if (c[oc] !== 0) { return a[oa]; }
    return b[ob];
  }`;
}
