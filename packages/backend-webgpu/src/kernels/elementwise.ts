import { sizeOf, type BufferInfo, type DType, type OpAttrs } from "@adaptive-sparse/core";
import { broadcastStrides } from "../collapse.js";
import { threadGrid, type KernelContext } from "../context.js";
import type { WebGpuHandle } from "../handle.js";
import { binaryProgram, type BinaryOp } from "../programs/binary.js";
import { castProgram } from "../programs/cast.js";
import { planBroadcast } from "../programs/operands.js";
import { unaryProgram, type UnaryOp } from "../programs/unary.js";
import { whereProgram } from "../programs/where.js";
import { wgslType } from "../programs/wgsl.js";

type Info = BufferInfo<WebGpuHandle>;

export function unaryKernel(ctx: KernelContext, op: UnaryOp) {
  return (out: Info, [x]: readonly Info[]): void => {
    const n = sizeOf(out.shape);
    if (n === 0) return;
    const args = [{ info: x, role: "input" as const }, { info: out, role: "output" as const }];
    ctx.run(op, unaryProgram(op, wgslType(x.dtype)), args, [n], threadGrid(ctx, n));
  };
}

/** Runs a broadcasting program over `inputs` (read modes decided per input). */
function broadcast(ctx: KernelContext, op: string, out: Info, inputs: readonly Info[], program: (modes: ReturnType<typeof planBroadcast>["modes"]) => string): void {
  const n = sizeOf(out.shape);
  if (n === 0) return;
  const plan = planBroadcast(
    out.shape,
    inputs.map((input) => broadcastStrides(input.shape, out.shape)),
    inputs.map((input) => sizeOf(input.shape)),
    n,
  );
  const args = [...inputs.map((info) => ({ info, role: "input" as const })), { info: out, role: "output" as const }];
  ctx.run(op, program(plan.modes), args, plan.params, threadGrid(ctx, n));
}

export function binaryKernel(ctx: KernelContext, op: BinaryOp) {
  return (out: Info, [a, b]: readonly Info[]): void => broadcast(ctx, op, out, [a, b], (modes) => binaryProgram(op, wgslType(a.dtype), modes));
}

export function whereKernel(ctx: KernelContext) {
  return (out: Info, inputs: readonly Info[]): void => broadcast(ctx, "Where", out, inputs, (modes) => whereProgram(modes));
}

export function castKernel(ctx: KernelContext) {
  return (out: Info, [x]: readonly Info[], { dtype }: OpAttrs["Cast"]): void => {
    const n = sizeOf(out.shape);
    if (n === 0) return;
    const from: DType = x.dtype;
    const args = [{ info: x, role: "input" as const }, { info: out, role: "output" as const }];
    ctx.run("Cast", castProgram(from, dtype), args, [n], threadGrid(ctx, n));
  };
}
