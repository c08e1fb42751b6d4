import { elementwiseMain, ISNAN, lowest, OFFSET_OF, PARAMS, SPECIAL_FLOATS, storage, WORKGROUP, workgroupMain, type WgslType, memo } from "./wgsl.js";

export type ReduceOp = "sum" | "max" | "argmax";

/**
 * Which shader does the reduction: one thread per output element for short reductions, one workgroup per
 * output element (strided partial results, then a tree in shared memory) for long ones.
 */
export type ReduceStrategy = "thread" | "workgroup";

/** No element seen yet (argmax's index slot). */
const NONE = "0xffffffffu";

/**
 * Params: `[nOut, R, keptRank, redRank, keptShape..., keptStrides..., redShape..., redStrides...]`. Output
 * element `i` reads input elements `offset(i in kept space) + offset(j in reduced space)` for `j < R`.
 */
const HEADER = `  let kr = p[2];
  let rr = p[3];
  let R = p[1];`;

const KEPT = "offsetOf(ITEM, kr, 4u, 4u + kr)";
const REDUCED = "offsetOf(j, rr, 4u + 2u * kr, 4u + 2u * kr + rr)";

/** Ordering of (value, index) pairs for argmax: NaN beats everything, then larger values, then the lower index. */
function betterFn(type: WgslType): string {
  const nan = type === "f32" ? "let nv = isnan_(v);\n  let nw = isnan_(w);\n  if (nv || nw) { return nv && (!nw || j < k); }\n  " : "";
  return `fn better(v: ${type}, j: u32, w: ${type}, k: u32) -> bool {
  if (k == ${NONE}) { return j != ${NONE}; }
  if (j == ${NONE}) { return false; }
  ${nan}if (v != w) { return v > w; }
  return j < k;
}`;
}

function combine(op: ReduceOp, type: WgslType, acc: string, v: string): string {
  if (op === "sum") return `${acc} = ${acc} + ${v};`;
  return type === "f32" ? `if (isnan_(${v}) || ${v} > ${acc}) { ${acc} = ${v}; }` : `${acc} = max(${acc}, ${v});`;
}

function reduceProgramSource(op: ReduceOp, type: WgslType, strategy: ReduceStrategy): string {
  const init = op === "sum" ? `${type}(0)` : lowest(type);
  const outType = op === "argmax" ? "i32" : type;
  const result = op === "argmax" ? "i32(best)" : "acc";
  const step = op === "argmax" ? "if (better(v, j, acc, best)) { acc = v; best = j; }" : combine(op, type, "acc", "v");
  const parts = [PARAMS, storage(1, "X", type, "read"), storage(2, "Y", outType, "read_write"), ISNAN, SPECIAL_FLOATS, OFFSET_OF, betterFn(type)];
  if (strategy === "thread") {
    parts.push(
      elementwiseMain(`${HEADER}
  let base = ${KEPT.replace("ITEM", "i")};
  var acc = ${init};
  var best = ${NONE};
  for (var j = 0u; j < R; j++) {
    let v = X[base + ${REDUCED}];
    ${step}
  }
  Y[i] = ${result};`),
    );
    return parts.join("\n");
  }
  const merge =
    op === "argmax"
      ? "if (better(sv[lid + s], si[lid + s], sv[lid], si[lid])) { sv[lid] = sv[lid + s]; si[lid] = si[lid + s]; }"
      : combine(op, type, "sv[lid]", "sv[lid + s]");
  parts.push(`var<workgroup> sv: array<${type}, ${WORKGROUP}>;`, `var<workgroup> si: array<u32, ${WORKGROUP}>;`);
  parts.push(
    workgroupMain(`  if (g >= p[0]) { return; }
${HEADER}
  let base = ${KEPT.replace("ITEM", "g")};
  var acc = ${init};
  var best = ${NONE};
  for (var j = lid; j < R; j += ${WORKGROUP}u) {
    let v = X[base + ${REDUCED}];
    ${step}
  }
  sv[lid] = acc;
  si[lid] = best;
  workgroupBarrier();
  for (var s = ${WORKGROUP / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { ${merge} }
    workgroupBarrier();
  }
  if (lid == 0u) {
    let acc = sv[0];
    let best = si[0];
    Y[g] = ${result};
  }`),
  );
  return parts.join("\n");
}

export const reduceProgram = memo(reduceProgramSource);
