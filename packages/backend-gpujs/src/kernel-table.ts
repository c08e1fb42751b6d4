import { createCpuBackend, PRIMITIVES, type KernelTable, type PrimitiveName, type TypedArray } from "@adaptive-sparse/core";
import type { Executor } from "./executor.js";
import type { KernelCache } from "./kernel-cache.js";
import { binaryPlan, castPlan, unaryPlan, wherePlan } from "./plans/elementwise.js";
import { gatherPlan, groupTopKPlan, scatterAddPlan } from "./plans/indexing.js";
import { matMulPlan } from "./plans/matmul.js";
import { concatPlan, expandPlan, padPlan, permutePlan, slicePlan } from "./plans/movement.js";
import { andThen, type Info, type Plan, type PlanContext } from "./plans/plan.js";
import { argMaxPlan, reduceMaxPlan, reduceSumPlan } from "./plans/reduce.js";

type Planner = (out: Info, inputs: readonly Info[], attrs: any) => Plan;

const planners = (context: PlanContext): Record<PrimitiveName, Planner> => ({
  Neg: unaryPlan("Neg"),
  Exp: unaryPlan("Exp"),
  Log: unaryPlan("Log"),
  Sqrt: unaryPlan("Sqrt"),
  Reciprocal: unaryPlan("Reciprocal"),
  Tanh: unaryPlan("Tanh"),
  Cast: castPlan,
  Add: binaryPlan("Add", context),
  Mul: binaryPlan("Mul", context),
  Pow: binaryPlan("Pow", context),
  Maximum: binaryPlan("Maximum", context),
  CmpLt: binaryPlan("CmpLt", context),
  CmpLe: binaryPlan("CmpLe", context),
  CmpEq: binaryPlan("CmpEq", context),
  Where: wherePlan,
  ReduceSum: reduceSumPlan,
  ReduceMax: reduceMaxPlan,
  ArgMax: argMaxPlan,
  Permute: permutePlan,
  Expand: expandPlan,
  Slice: slicePlan,
  Pad: padPlan,
  Concat: concatPlan,
  MatMul: matMulPlan,
  Gather: gatherPlan,
  ScatterAdd: scatterAddPlan,
  GroupTopK: groupTopKPlan,
  // The host buffers are the device memory here: a fill is a memset, no kernel to launch.
  Fill: () => ({ fallback: "a fill writes the host buffer directly" }),
});

/** Per op: calls that ran on gpu.js, and calls that fell back to the cpu kernels, by reason. */
export type RouteCounts = Partial<Record<PrimitiveName, { gpujs: number; cpu: Record<string, number> }>>;

/**
 * The kernel table: each op is planned when its task runs (so plans see the input values, e.g. to route NaN
 * inputs to the cpu kernels) and then runs on gpu.js or on core's cpu kernel over the same host arrays.
 */
export function createKernelTable(executor: Executor, cache: KernelCache, routes: RouteCounts, context: PlanContext): KernelTable<TypedArray> {
  const cpu = createCpuBackend().kernels;
  const plans = planners(context);
  const count = (op: PrimitiveName) => (routes[op] ??= { gpujs: 0, cpu: {} });
  const table = {} as Record<PrimitiveName, unknown>;
  for (const op of PRIMITIVES) {
    table[op] = (out: Info, inputs: readonly Info[], attrs: unknown) =>
      executor.run(() => {
        if (out.handle.length === 0) return;
        const plan = plans[op](out, inputs, attrs);
        if ("fallback" in plan) {
          const reasons = count(op).cpu;
          reasons[plan.fallback] = (reasons[plan.fallback] ?? 0) + 1;
          (cpu[op] as (o: Info, i: readonly Info[], a: unknown) => void)(out, inputs, attrs);
          return;
        }
        count(op).gpujs++;
        const done = andThen(plan.compute((source, n, args) => cache.call(source, n, args)), (values) => {
          out.handle.set(values);
        });
        return done instanceof Promise ? done : undefined;
      });
  }
  return table as KernelTable<TypedArray>;
}
