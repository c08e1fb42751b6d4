// Cross-entropy of [N, V] logits against i32 targets without a log-probability tensor: the forward writes
// one loss per row (logsumexp(row) − row[target]), the gradient g·(softmax(row) − onehot(target)) in one
// pass that stores e^(x − max) and then rescales it. Rows whose target is ignoreIndex get 0. Targets are
// checked in JavaScript before a task runs (an out-of-range one is an error there, not a trap here).
import { logPositive, rowAffine, rowExpSum, rowMax } from "./rowwise";

function lossRows(rows: i32, width: i32, logits: usize, targets: usize, out: usize, ignoreIndex: i32): void {
  const bytes = <usize>width * 4;
  for (let r = 0; r < rows; r++) {
    const t = load<i32>(targets + <usize>r * 4);
    let loss: f32 = 0;
    if (t != ignoreIndex) {
      const row = logits + <usize>r * bytes;
      const m = rowMax(row, width);
      const lse = m + <f32>logPositive(<f64>rowExpSum(row, width, m, 0));
      loss = lse - load<f32>(row + <usize>t * 4);
    }
    store<f32>(out + <usize>r * 4, loss);
  }
}

function gradRows(rows: i32, width: i32, logits: usize, targets: usize, g: usize, out: usize, ignoreIndex: i32): void {
  const bytes = <usize>width * 4;
  for (let r = 0; r < rows; r++) {
    const t = load<i32>(targets + <usize>r * 4);
    const o = out + <usize>r * bytes;
    if (t == ignoreIndex) {
      memory.fill(o, 0, bytes);
      continue;
    }
    const row = logits + <usize>r * bytes;
    const gr = load<f32>(g + <usize>r * 4);
    const total = rowExpSum(row, width, rowMax(row, width), o);
    rowAffine(o, o, width, gr / total, 0);
    store<f32>(o + <usize>t * 4, load<f32>(o + <usize>t * 4) - gr);
  }
}

/** The per-row loss (grad false) or the gradient rows (grad true, g: the loss's cotangent [rows]). */
export function crossEntropy(grad: bool, rows: i32, width: i32, logits: usize, targets: usize, g: usize, out: usize, ignoreIndex: i32): void {
  if (grad) gradRows(rows, width, logits, targets, g, out, ignoreIndex);
  else lossRows(rows, width, logits, targets, out, ignoreIndex);
}
