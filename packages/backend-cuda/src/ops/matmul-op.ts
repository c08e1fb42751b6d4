import { DTypeError } from "@adaptive-sparse/core";
import type { Bf16Cache } from "../bf16-cache.js";
import { CUDA_R_16BF, rowMajorGemm, type GemmOperand } from "../cublas.js";
import { broadcastStridesTo, collapse, contiguousStrides } from "../kernels/layout.js";
import { sizeOfShape, type Info } from "../handle.js";
import type { CudaRuntime } from "../runtime.js";

export type Precision = "f32" | "tf32" | "bf16";

/**
 * Batched `op(A) · op(B)` through cuBLAS with no copies: the row-major swap, broadcast batch axes as
 * stride 0, a weight shared by every batch member folded into one large GEMM, and bf16 copies of the operands
 * (see `Bf16Cache`) when `precision` is bf16 (f32 output, f32 accumulation).
 */
export function matMulOp(rt: CudaRuntime, precision: Precision, cache: Bf16Cache | null) {
  if (precision === "bf16" && !cache) throw new Error("backend-cuda: bf16 MatMul needs its operand cache");
  return (out: Info, [x, y]: readonly Info[], { transA, transB }: { transA: boolean; transB: boolean }) => {
    if (x!.dtype !== "f32" || y!.dtype !== "f32") throw new DTypeError(`MatMul: backend-cuda multiplies f32 only, got ${x!.dtype} and ${y!.dtype} (cast to f32 first)`);
    const rank = out.shape.length;
    const [m, n] = [out.shape[rank - 2]!, out.shape[rank - 1]!];
    const k = transA ? x!.shape[x!.shape.length - 2]! : x!.shape[x!.shape.length - 1]!;
    if (m === 0 || n === 0 || k === 0) return; // the output is already zero-filled
    const batchShape = out.shape.slice(0, -2);
    const aStrides = broadcastStridesTo(x!.shape.slice(0, -2), batchShape).map((s) => s * m * k);
    const bStrides = broadcastStridesTo(y!.shape.slice(0, -2), batchShape).map((s) => s * k * n);
    const cStrides = contiguousStrides(batchShape).map((s) => s * m * n);
    const batch = collapse(batchShape, [aStrides, bStrides, cStrides]);
    const bf16 = precision === "bf16";
    const elementBytes = bf16 ? 2 : 4;
    const [a, b] = bf16 ? [cache!.pointer(x!.handle, x!.shape), cache!.pointer(y!.handle, y!.shape)] : [x!.handle.pointer, y!.handle.pointer];
    const call = (mm: number, count: number, aOff: number, bOff: number, cOff: number, sa: number, sb: number, sc: number) => {
      const g = rowMajorGemm(transA, transB, mm, n, k);
      const first: GemmOperand = { pointer: b + BigInt(bOff * elementBytes), ld: g.ldFirst, stride: sb };
      const second: GemmOperand = { pointer: a + BigInt(aOff * elementBytes), ld: g.ldSecond, stride: sa };
      const c: GemmOperand = { pointer: out.handle.pointer + BigInt(cOff * 4), ld: g.ldC, stride: sc };
      const name = `gemm ${transA ? "T" : "N"}${transB ? "T" : "N"} m${mm} n${n} k${k} ×${count}`;
      if (bf16) rt.timed(name, () => rt.cublas.gemmBatchedEx(g.transFirst, g.transSecond, g.m, g.n, g.k, first, second, c, count, CUDA_R_16BF));
      else rt.timed(name, () => rt.cublas.sgemmBatched(g.transFirst, g.transSecond, g.m, g.n, g.k, first, second, c, count));
      rt.launches++;
    };
    const dims = batch.shape.length;
    const [sa, sb, sc] = batch.strides.map((row) => row[dims - 1] ?? 0) as [number, number, number];
    const last = batch.shape[dims - 1] ?? 1;
    if (dims <= 1 && sb === 0 && !transA && (last === 1 || sa === m * k)) {
      // A weight shared by every batch member (a linear layer): one GEMM with M = batch·m.
      call(last * m, 1, 0, 0, 0, 0, 0, 0);
    } else if (dims <= 1) {
      call(m, last, 0, 0, 0, sa, sb, sc);
    } else {
      // Rare: several broadcast batch axes that do not merge; one strided-batched call per outer index.
      const outer = batch.shape.slice(0, -1);
      for (let index = 0; index < sizeOfShape(outer); index++) {
        let rest = index;
        const offsets = [0, 0, 0];
        for (let d = outer.length - 1; d >= 0; d--) {
          const coordinate = rest % outer[d]!;
          rest = Math.floor(rest / outer[d]!);
          for (let r = 0; r < 3; r++) offsets[r]! += coordinate * batch.strides[r]![d]!;
        }
        call(m, last, offsets[0]!, offsets[1]!, offsets[2]!, sa, sb, sc);
      }
    }
  };
}
