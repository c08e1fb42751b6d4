import type { KernelTable } from "@adaptive-sparse/core";
import { binarySource, copySource, unarySource, whereSource } from "../kernels/elementwise.js";
import { broadcastStridesTo, contiguousStrides, stridedParams } from "../kernels/layout.js";
import { i32, sizeOfShape, type CudaHandle, type Info } from "../handle.js";
import type { CudaRuntime } from "../runtime.js";

type Table = Pick<
  KernelTable<CudaHandle>,
  "Neg" | "Exp" | "Log" | "Sqrt" | "Reciprocal" | "Tanh" | "Cast" | "Add" | "Mul" | "Pow" | "Maximum" | "CmpLt" | "CmpLe" | "CmpEq" | "Where" | "Permute" | "Expand" | "Slice" | "Pad" | "Concat" | "Gelu" | "GeluGrad"
>;

/** Elementwise and data-movement kernels: each one strided launch over the output (or input) shape. */
export function elementwiseOps(rt: CudaRuntime): Table {
  const unary = (op: string) => (out: Info, [x]: readonly Info[]) => {
    const n = sizeOfShape(out.shape);
    const st = stridedParams(op, out.shape, [broadcastStridesTo(x!.shape, out.shape)]);
    rt.launchElements(unarySource(op, x!.dtype, out.dtype), n, [out.handle.arg, x!.handle.arg, st, i32(n)]);
  };
  const binary = (op: string) => (out: Info, [x, y]: readonly Info[]) => {
    const n = sizeOfShape(out.shape);
    const st = stridedParams(op, out.shape, [broadcastStridesTo(x!.shape, out.shape), broadcastStridesTo(y!.shape, out.shape)]);
    rt.launchElements(binarySource(op, x!.dtype, out.dtype), n, [out.handle.arg, x!.handle.arg, y!.handle.arg, st, i32(n)]);
  };
  /** dst[dbase + i·dst strides] = src[sbase + i·src strides] over `shape`. */
  const copy = (op: string, out: Info, x: Info, shape: readonly number[], dst: readonly number[], src: readonly number[], dbase: number, sbase: number) => {
    const n = sizeOfShape(shape);
    const st = stridedParams(op, shape, [dst, src]);
    rt.launchElements(copySource(x.dtype, out.dtype), n, [out.handle.arg, x.handle.arg, st, i32(n), i32(dbase), i32(sbase)]);
  };
  return {
    Neg: unary("Neg"),
    Exp: unary("Exp"),
    Log: unary("Log"),
    Sqrt: unary("Sqrt"),
    Reciprocal: unary("Reciprocal"),
    Tanh: unary("Tanh"),
    Gelu: unary("Gelu"),
    Add: binary("Add"),
    Mul: binary("Mul"),
    Pow: binary("Pow"),
    Maximum: binary("Maximum"),
    CmpLt: binary("CmpLt"),
    CmpLe: binary("CmpLe"),
    CmpEq: binary("CmpEq"),
    GeluGrad: binary("GeluGrad"),
    Where(out, [c, x, y]) {
      const n = sizeOfShape(out.shape);
      const rows = [c!, x!, y!].map((info) => broadcastStridesTo(info.shape, out.shape));
      rt.launchElements(whereSource(out.dtype), n, [out.handle.arg, c!.handle.arg, x!.handle.arg, y!.handle.arg, stridedParams("Where", out.shape, rows), i32(n)]);
    },
    Cast(out, [x]) {
      const strides = contiguousStrides(out.shape);
      copy("Cast", out, x!, out.shape, strides, strides, 0, 0);
    },
    Expand(out, [x]) {
      copy("Expand", out, x!, out.shape, contiguousStrides(out.shape), broadcastStridesTo(x!.shape, out.shape), 0, 0);
    },
    Permute(out, [x], { perm }) {
      const inStrides = contiguousStrides(x!.shape);
      copy("Permute", out, x!, out.shape, contiguousStrides(out.shape), perm.map((axis) => inStrides[axis]!), 0, 0);
    },
    Slice(out, [x], { begin }) {
      const inStrides = contiguousStrides(x!.shape);
      const base = begin.reduce((acc, start, d) => acc + start * inStrides[d]!, 0);
      copy("Slice", out, x!, out.shape, contiguousStrides(out.shape), inStrides, 0, base);
    },
    Pad(out, [x], { before }) {
      // The output is zero-filled at allocation; scatter x into its interior.
      const outStrides = contiguousStrides(out.shape);
      const base = before.reduce((acc, n, d) => acc + n * outStrides[d]!, 0);
      copy("Pad", out, x!, x!.shape, outStrides, contiguousStrides(x!.shape), base, 0);
    },
    Concat(out, inputs, { axis }) {
      const outStrides = contiguousStrides(out.shape);
      let offset = 0;
      for (const input of inputs) {
        copy("Concat", out, input, input.shape, outStrides, contiguousStrides(input.shape), offset * outStrides[axis]!, 0);
        offset += input.shape[axis]!;
      }
    },
  };
}
