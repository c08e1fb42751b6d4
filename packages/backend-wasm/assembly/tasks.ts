// One entry point for every kernel, driven by 64-byte task descriptors in linear memory. The JavaScript
// side writes a list of descriptors; the main thread and each worker claim them one by one (an atomic
// counter in JS) and call runTask, so the worker code knows nothing about individual kernels.
import { MR, NR } from "./microkernel";
import { gemmBlocked, gemmWorkBytes } from "./gemm";
import { gemvAxpy, gemvDot } from "./gemv";
import { sparse24Gemv, unpack24Rows } from "./sparse24";
import { rowwise } from "./rowwise";
import { causalSoftmax } from "./causal-softmax";
import { crossEntropy } from "./cross-entropy";
import { binaryRows } from "./binary";
import { reduceSumRange } from "./reduce";
import { adamwRange } from "./adamw";
import { copyRows, gatherRows } from "./permute";
import { whereBlocks } from "./where";
import { rotaryRows } from "./rotary";
import { groupTopK4 } from "./group-top-k";
import { compareRange } from "./compare";
import { softmaxKL } from "./softmax-kl";

/** Cache blocking of the GEMM (see gemm.ts): packed A is MC x KC (128 KB), packed B KC x NC (2 MB). */
const MC: i32 = 128;
const KC: i32 = 256;
const NC: i32 = 2048;

export const TASK_GEMM: i32 = 1;
export const TASK_GEMV_DOT: i32 = 2;
export const TASK_GEMV_AXPY: i32 = 3;
export const TASK_SPARSE24_GEMV: i32 = 4;
export const TASK_SPARSE24_GEMM: i32 = 5;
export const TASK_ROWWISE: i32 = 6;
export const TASK_BINARY: i32 = 7;
export const TASK_REDUCE_SUM: i32 = 8;
export const TASK_ADAMW: i32 = 9;
export const TASK_GATHER_ROWS: i32 = 10;
export const TASK_WHERE: i32 = 11;
export const TASK_CAUSAL_SOFTMAX: i32 = 12;
export const TASK_CROSS_ENTROPY: i32 = 13;
export const TASK_UNPACK24: i32 = 14;
export const TASK_COPY_ROWS: i32 = 15;
export const TASK_ROTARY: i32 = 16;
export const TASK_GROUP_TOP_K4: i32 = 17;
export const TASK_COMPARE: i32 = 18;
export const TASK_SOFTMAX_KL: i32 = 19;

/** Size of one task descriptor (16 i32 fields). */
export const TASK_BYTES: i32 = 64;

/** Scratch bytes each thread needs for runTask. */
export function taskWorkBytes(): i32 {
  return gemmWorkBytes(MC, KC, NC);
}

/** Register tile of the GEMM, for the JavaScript planner (it splits work on tile boundaries). */
export function tileRows(): i32 {
  return MR;
}
export function tileCols(): i32 {
  return NR;
}

@inline function field(task: usize, i: i32): i32 {
  return load<i32>(task + <usize>i * 4);
}
@inline function ptr(task: usize, i: i32): usize {
  return <usize>load<u32>(task + <usize>i * 4);
}

/**
 * Runs the task at `task` with `work` as its scratch (taskWorkBytes). Layouts (field 0 is the kind):
 * GEMM:          transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate
 * GEMV_DOT/AXPY: count, k, x, mat, ld, y, accumulate
 * SPARSE24_GEMV: rows, row0, n, k, blockFrom, blockTo, table, prepared values, prepared codes (prepareSparse24), y, accumulate,
 *                x (0: the table is built; else the task builds its blocks' part from x), block octets (sparse24BlockOctets)
 * SPARSE24_GEMM: m, n, k, x, ldx, values, indices, y, ldy, accumulate, jc (first row of W)
 * ROWWISE:       op (ROW_* in rowwise.ts), rows, width, x, y, out, eps (f32 bits)
 * BINARY:        op (BIN_ADD/BIN_MUL), mode (BIN_SAME/ROW/COL/SCALAR in binary.ts), rows, width, a, b, out
 * REDUCE_SUM:    p0, pCount, length, inner, q0, qCount, x, out (scratch: qCount f64 in `work`)
 * ADAMW:         mode (ADAMW_* in adamw.ts), first, count, param, m, v, grad, mask (0: none), scalars (f64)
 * GATHER_ROWS:   r0, count, length, stride, offsets (i32 per row, in words), x, out
 * COPY_ROWS:     r0, count, length, inPitch, outPitch (in words), x, out
 * WHERE:         s0, blocks, period, j0, count, cond (u8), a, aOne, b, bOne, out
 * CAUSAL_SOFTMAX: grad, rows, width, first (query index of row 0, mod width), x (grad: y), g, out, scale (f32 bits)
 * CROSS_ENTROPY: grad, rows, width, logits, targets (i32), g (grad only), out, ignoreIndex
 * UNPACK24:      rows, row0, k, values, indices, out (dense rows of a compressed 2:4 W; masks in `work`)
 * ROTARY:        rows, first (position index of row 0, mod T), T, D, start, inverse, x, cos, sin, out
 * GROUP_TOP_K4:  n, groups, scores (f32), out (u8), status (i32: the first NaN score's index in the task, or -1)
 * COMPARE:       op (CMP_* in compare.ts), f32 (else u8), scalar b, count, a, b, out (u8)
 * SOFTMAX_KL:    grad, rows, width, student, teacher, g (grad only), out, 1/T (f32 bits)
 */
export function runTask(task: usize, work: usize): void {
  const kind = field(task, 0);
  if (kind == TASK_GEMM) {
    gemmBlocked(false, field(task, 1) != 0, field(task, 2) != 0, field(task, 3), field(task, 4), field(task, 5),
      ptr(task, 6), field(task, 7), ptr(task, 8), field(task, 9), 0, ptr(task, 10), field(task, 11), work, MC, KC, NC, field(task, 12) != 0);
  } else if (kind == TASK_GEMV_DOT) {
    gemvDot(field(task, 1), field(task, 2), ptr(task, 3), ptr(task, 4), field(task, 5), ptr(task, 6), field(task, 7) != 0);
  } else if (kind == TASK_GEMV_AXPY) {
    gemvAxpy(field(task, 1), field(task, 2), ptr(task, 3), ptr(task, 4), field(task, 5), ptr(task, 6), field(task, 7) != 0);
  } else if (kind == TASK_SPARSE24_GEMV) {
    sparse24Gemv(field(task, 1), field(task, 2), field(task, 3), field(task, 4), field(task, 13), field(task, 5), field(task, 6), ptr(task, 7), ptr(task, 8), ptr(task, 9), ptr(task, 10), field(task, 11) != 0, ptr(task, 12));
  } else if (kind == TASK_SPARSE24_GEMM) {
    // ldb slot = jc: the first row of W, so every group keeps its nibble position in the index bytes.
    gemmBlocked(true, false, true, field(task, 1), field(task, 2), field(task, 3), ptr(task, 4), field(task, 5),
      ptr(task, 6), field(task, 11), ptr(task, 7), ptr(task, 8), field(task, 9), work, MC, KC, NC, field(task, 10) != 0);
  } else if (kind == TASK_BINARY) {
    binaryRows(field(task, 1), field(task, 2), field(task, 3), field(task, 4), ptr(task, 5), ptr(task, 6), ptr(task, 7));
  } else if (kind == TASK_REDUCE_SUM) {
    reduceSumRange(field(task, 1), field(task, 2), field(task, 3), field(task, 4), field(task, 5), field(task, 6), ptr(task, 7), ptr(task, 8), work);
  } else if (kind == TASK_ADAMW) {
    adamwRange(field(task, 1), field(task, 2), field(task, 3), ptr(task, 4), ptr(task, 5), ptr(task, 6), ptr(task, 7), ptr(task, 8), ptr(task, 9));
  } else if (kind == TASK_GATHER_ROWS) {
    gatherRows(field(task, 1), field(task, 2), field(task, 3), field(task, 4), ptr(task, 5), ptr(task, 6), ptr(task, 7));
  } else if (kind == TASK_COPY_ROWS) {
    copyRows(field(task, 1), field(task, 2), field(task, 3), field(task, 4), field(task, 5), ptr(task, 6), ptr(task, 7));
  } else if (kind == TASK_WHERE) {
    whereBlocks(field(task, 1), field(task, 2), field(task, 3), field(task, 4), field(task, 5), ptr(task, 6), ptr(task, 7), field(task, 8), ptr(task, 9), field(task, 10), ptr(task, 11));
  } else if (kind == TASK_CAUSAL_SOFTMAX) {
    causalSoftmax(field(task, 1) != 0, field(task, 2), field(task, 3), field(task, 4), ptr(task, 5), ptr(task, 6), ptr(task, 7), load<f32>(task + 32));
  } else if (kind == TASK_CROSS_ENTROPY) {
    crossEntropy(field(task, 1) != 0, field(task, 2), field(task, 3), ptr(task, 4), ptr(task, 5), ptr(task, 6), ptr(task, 7), field(task, 8));
  } else if (kind == TASK_UNPACK24) {
    unpack24Rows(field(task, 1), field(task, 2), field(task, 3), ptr(task, 4), ptr(task, 5), ptr(task, 6), work);
  } else if (kind == TASK_ROTARY) {
    rotaryRows(field(task, 1), field(task, 2), field(task, 3), field(task, 4), field(task, 5), field(task, 6) != 0, ptr(task, 7), ptr(task, 8), ptr(task, 9), ptr(task, 10));
  } else if (kind == TASK_GROUP_TOP_K4) {
    store<i32>(ptr(task, 5), groupTopK4(field(task, 1), field(task, 2), ptr(task, 3), ptr(task, 4)));
  } else if (kind == TASK_COMPARE) {
    compareRange(field(task, 1), field(task, 2) != 0, field(task, 3) != 0, field(task, 4), ptr(task, 5), ptr(task, 6), ptr(task, 7));
  } else if (kind == TASK_SOFTMAX_KL) {
    softmaxKL(field(task, 1) != 0, field(task, 2), field(task, 3), ptr(task, 4), ptr(task, 5), ptr(task, 6), ptr(task, 7), load<f32>(task + 32));
  } else if (kind == TASK_ROWWISE) {
    rowwise(field(task, 1), field(task, 2), field(task, 3), ptr(task, 4), ptr(task, 5), ptr(task, 6), load<f32>(task + 28));
  } else {
    unreachable();
  }
}
