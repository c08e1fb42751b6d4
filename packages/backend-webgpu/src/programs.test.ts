import { beforeAll, describe, expect, it } from "vitest";
import { binaryProgram, type BinaryOp } from "./programs/binary.js";
import { castProgram } from "./programs/cast.js";
import { gatherProgram } from "./programs/gather.js";
import { groupTopKProgram } from "./programs/group-top-k.js";
import { matmulProgram } from "./programs/matmul.js";
import { adamwProgram } from "./programs/adamw.js";
import { layoutEntries } from "./pipeline-cache.js";
import { causalSoftmaxProgram } from "./programs/causal-softmax.js";
import { crossEntropyGradProgram, crossEntropyProgram } from "./programs/cross-entropy.js";
import { fillProgram } from "./programs/fill.js";
import { reduceProgram } from "./programs/reduce.js";
import { geluProgram, rowProgram, type RowOp } from "./programs/rows.js";
import { radixHistogramProgram, radixScatterProgram } from "./programs/radix-sort.js";
import { scanApplyProgram, scanBlocksProgram, scanTopProgram } from "./programs/scan.js";
import { splitKSumProgram } from "./programs/split-k.js";
import { scatterCountProgram, scatterSumProgram } from "./programs/scatter-add.js";
import { stridedCopyProgram } from "./programs/strided-copy.js";
import { unaryProgram, type UnaryOp } from "./programs/unary.js";
import { whereProgram } from "./programs/where.js";
import { hasAdapter, sharedBackend } from "./test-device.js";

const UNARY: UnaryOp[] = ["Neg", "Exp", "Log", "Sqrt", "Reciprocal", "Tanh"];
const BINARY: BinaryOp[] = ["Add", "Mul", "Pow", "Maximum", "CmpLt", "CmpLe", "CmpEq"];

/** Every program family in each of its specialisations. */
function allPrograms(): Record<string, string> {
  const programs: Record<string, string> = {};
  for (const op of UNARY) programs[`unary ${op}`] = unaryProgram(op, "f32");
  programs["unary Neg i32"] = unaryProgram("Neg", "i32");
  for (const op of BINARY) for (const type of ["f32", "i32", "u32"] as const) {
    if (op === "Pow" && type !== "f32") continue;
    programs[`binary ${op} ${type}`] = binaryProgram(op, type, ["strided", "scalar"]);
  }
  programs["where"] = whereProgram(["same", "strided", "scalar"]);
  for (const from of ["f32", "i32", "u8"] as const) for (const to of ["f32", "i32", "u8"] as const) {
    if (from !== to) programs[`cast ${from}->${to}`] = castProgram(from, to);
  }
  for (const op of ["sum", "max", "argmax"] as const) for (const type of ["f32", "i32"] as const) for (const strategy of ["thread", "workgroup"] as const) {
    programs[`reduce ${op} ${type} ${strategy}`] = reduceProgram(op, type, strategy);
  }
  programs["copy gather"] = stridedCopyProgram("gather");
  programs["copy scatter"] = stridedCopyProgram("scatter");
  for (const transA of [false, true]) for (const transB of [false, true]) for (const tileN of [64, 128] as const) for (const vec of [false, true]) {
    programs[`matmul transA ${transA} transB ${transB} tile 128x${tileN} vec4 ${vec}`] = matmulProgram({ transA, transB, tileN, vecA: vec, vecB: vec, vecC: vec });
    programs[`matmul split-K transA ${transA} transB ${transB} tile 128x${tileN} vec4 ${vec}`] = matmulProgram({ transA, transB, tileN, vecA: vec, vecB: vec, vecC: vec, splitK: true });
  }
  programs["split-K sum"] = splitKSumProgram();
  programs["gather"] = gatherProgram();
  programs["group top-k"] = groupTopKProgram();
  programs["scatter count"] = scatterCountProgram();
  programs["scan blocks"] = scanBlocksProgram();
  programs["scan top"] = scanTopProgram();
  programs["scan apply"] = scanApplyProgram();
  programs["radix histogram"] = radixHistogramProgram();
  programs["radix scatter"] = radixScatterProgram();
  programs["scatter sum"] = scatterSumProgram("f32");
  for (const op of ["Softmax", "LogSoftmax", "SoftmaxGrad", "LogSoftmaxGrad", "LayerNorm", "LayerNormGrad"] as RowOp[]) for (const sg of [false, true]) programs[`rows ${op} subgroups ${sg}`] = rowProgram(op, sg);
  for (const sg of [false, true]) {
    programs[`cross-entropy subgroups ${sg}`] = crossEntropyProgram(sg);
    programs[`cross-entropy grad subgroups ${sg}`] = crossEntropyGradProgram(sg);
    for (const grad of [false, true]) programs[`causal softmax grad ${grad} subgroups ${sg}`] = causalSoftmaxProgram(grad, sg);
  }
  for (const mode of ["textbook", "decoupled", "reference-int-not", "gradient", "sgd"] as const) for (const masked of [false, true]) programs[`adamw ${mode} ${masked}`] = adamwProgram(mode, masked);
  programs["fill"] = fillProgram();
  programs["gelu"] = geluProgram(false);
  programs["gelu grad"] = geluProgram(true);
  return programs;
}

describe.runIf(await hasAdapter())("WGSL programs", () => {
  let device: GPUDevice;
  beforeAll(async () => {
    device = (await sharedBackend()).device;
  });

  it("every program compiles into a valid pipeline", async () => {
    const failures: string[] = [];
    for (const [name, code] of Object.entries(allPrograms())) {
      device.pushErrorScope("validation");
      const module = device.createShaderModule({ code });
      // The explicit layout the backend builds from the program's @binding declarations (params with a dynamic offset).
      const bindGroupLayouts = [device.createBindGroupLayout({ entries: layoutEntries(code) })];
      device.createComputePipeline({ layout: device.createPipelineLayout({ bindGroupLayouts }), compute: { module, entryPoint: "main" } });
      const error = await device.popErrorScope();
      if (error) failures.push(`${name}: ${error.message}`);
    }
    expect(failures).toEqual([]);
  });
});
