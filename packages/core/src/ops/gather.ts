import { DTypeError, ShapeError } from "../errors.js";
import { runOp, type OpDef } from "../engine.js";
import { formatShape } from "../shape.js";
import type { Tensor } from "../tensor.js";

function assertIndices(op: string, indices: Tensor): void {
  if (indices.dtype !== "i32") throw new DTypeError(`${op}: indices have dtype ${indices.dtype}, expected i32 (use .cast('i32'))`);
}

export const gatherOp: OpDef<"Gather"> = {
  name: "Gather",
  infer: ([table, indices]) => {
    assertIndices("Gather", indices);
    if (table.rank < 1) throw new ShapeError("Gather: table must have at least one axis");
    return { shape: [...indices.shape, ...table.shape.slice(1)], dtype: table.dtype };
  },
  vjp: (g, [table, indices]) => [scatterAdd(g, indices, table.shape[0]), null],
};

export const scatterAddOp: OpDef<"ScatterAdd"> = {
  name: "ScatterAdd",
  infer: ([src, indices], { size }) => {
    assertIndices("ScatterAdd", indices);
    const lead = src.shape.slice(0, indices.rank);
    if (lead.length !== indices.rank || lead.some((dim, i) => dim !== indices.shape[i])) {
      throw new ShapeError(`ScatterAdd: src ${formatShape(src.shape)} must start with the indices' shape ${formatShape(indices.shape)}`);
    }
    return { shape: [size, ...src.shape.slice(indices.rank)], dtype: src.dtype };
  },
  vjp: (g, [, indices]) => [gather(g, indices), null],
};

/**
 * Rows of `table` picked by `indices` (embedding lookup / index-select on axis 0).
 * @param table [V, ...rest]
 * @param indices i32 [...idx]; every value in [0, V)
 * @returns [...idx, ...rest]
 */
export const gather = (table: Tensor, indices: Tensor): Tensor => runOp(gatherOp, [table, indices], {});

/** Adds each row of `src` into row `indices[i]` of a zero table with `size` rows (Gather's gradient). */
export const scatterAdd = (src: Tensor, indices: Tensor, size: number): Tensor => runOp(scatterAddOp, [src, indices], { size });
