import type { BufferInfo } from "../backend.js";
import type { TypedArray } from "../dtype.js";

// Fused last-axis kernels: one pass per row instead of a chain of primitives. Row statistics in doubles.
type Info = BufferInfo<TypedArray>;
const width = (info: Info) => info.shape[info.shape.length - 1] ?? 1;
const GELU_C = Math.sqrt(2 / Math.PI);

function rows(out: Info, fn: (start: number, end: number) => void): void {
  const w = width(out);
  for (let start = 0; start < out.handle.length; start += w) fn(start, start + w);
}

export function abs(out: Info, [x]: readonly Info[]): void {
  const o = out.handle, a = x.handle;
  for (let i = 0; i < o.length; i++) o[i] = Math.abs(a[i]);
}

/** The max of row [start, end) of x and log Σ e^((x − max)/T) (inv = 1/T), in doubles. */
function scaledLogSumExp(x: TypedArray, start: number, end: number, inv: number): [number, number] {
  let max = -Infinity;
  for (let i = start; i < end; i++) if (x[i] > max) max = x[i];
  let sum = 0;
  for (let i = start; i < end; i++) sum += Math.exp((x[i] - max) * inv);
  return [max, Math.log(sum)];
}

/** Per-row KL(softmax(t/T) ‖ softmax(s/T)) of [N, V] student s and teacher t; terms with p = 0 count 0. */
export function softmaxKL(out: Info, [student, teacher]: readonly Info[], { temperature }: { temperature: number }): void {
  const o = out.handle, s = student.handle, t = teacher.handle;
  const v = width(student), inv = 1 / temperature;
  for (let r = 0, start = 0; r < o.length; r++, start += v) {
    const [mt, lt] = scaledLogSumExp(t, start, start + v, inv);
    const [ms, ls] = scaledLogSumExp(s, start, start + v, inv);
    let kl = 0;
    for (let i = start; i < start + v; i++) {
      const logP = (t[i] - mt) * inv - lt;
      const p = Math.exp(logP);
      if (p > 0) kl += p * (logP - ((s[i] - ms) * inv - ls));
    }
    o[r] = kl;
  }
}

/** d/d student of SoftmaxKL: g · (q − p) / T per row. */
export function softmaxKLGrad(out: Info, [grad, student, teacher]: readonly Info[], { temperature }: { temperature: number }): void {
  const o = out.handle, g = grad.handle, s = student.handle, t = teacher.handle;
  const v = width(student), inv = 1 / temperature;
  for (let r = 0, start = 0; r < g.length; r++, start += v) {
    const [mt, lt] = scaledLogSumExp(t, start, start + v, inv);
    const [ms, ls] = scaledLogSumExp(s, start, start + v, inv);
    const scale = g[r] * inv;
    for (let i = start; i < start + v; i++) o[i] = scale * (Math.exp((s[i] - ms) * inv - ls) - Math.exp((t[i] - mt) * inv - lt));
  }
}

export function softmax(out: Info, [x]: readonly Info[]): void {
  const o = out.handle, a = x.handle;
  rows(out, (s, e) => {
    let max = -Infinity;
    for (let i = s; i < e; i++) if (a[i] > max) max = a[i];
    let sum = 0;
    for (let i = s; i < e; i++) sum += o[i] = Math.exp(a[i] - max);
    for (let i = s; i < e; i++) o[i] /= sum;
  });
}

export function logSoftmax(out: Info, [x]: readonly Info[]): void {
  const o = out.handle, a = x.handle;
  rows(out, (s, e) => {
    let max = -Infinity;
    for (let i = s; i < e; i++) if (a[i] > max) max = a[i];
    let sum = 0;
    for (let i = s; i < e; i++) sum += Math.exp(a[i] - max);
    const shift = max + Math.log(sum);
    for (let i = s; i < e; i++) o[i] = a[i] - shift;
  });
}

/** dx = y ⊙ (g − Σ g⊙y) */
export function softmaxGrad(out: Info, [grad, y]: readonly Info[]): void {
  const o = out.handle, g = grad.handle, p = y.handle;
  rows(out, (s, e) => {
    let dot = 0;
    for (let i = s; i < e; i++) dot += g[i] * p[i];
    for (let i = s; i < e; i++) o[i] = p[i] * (g[i] - dot);
  });
}

/** dx = g − exp(y) Σ g */
export function logSoftmaxGrad(out: Info, [grad, y]: readonly Info[]): void {
  const o = out.handle, g = grad.handle, p = y.handle;
  rows(out, (s, e) => {
    let sum = 0;
    for (let i = s; i < e; i++) sum += g[i];
    for (let i = s; i < e; i++) o[i] = g[i] - Math.exp(p[i]) * sum;
  });
}

export function gelu(out: Info, [x]: readonly Info[]): void {
  const o = out.handle, a = x.handle;
  for (let i = 0; i < o.length; i++) {
    const v = a[i];
    o[i] = 0.5 * v * (1 + Math.tanh(GELU_C * (v + 0.044715 * v * v * v)));
  }
}

/** d/dx of 0.5·x·(1 + tanh(u)), u = c(x + 0.044715x³). */
export function geluGrad(out: Info, [grad, x]: readonly Info[]): void {
  const o = out.handle, g = grad.handle, a = x.handle;
  for (let i = 0; i < o.length; i++) {
    const v = a[i];
    const t = Math.tanh(GELU_C * (v + 0.044715 * v * v * v));
    o[i] = g[i] * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * GELU_C * (1 + 3 * 0.044715 * v * v));
  }
}

function stats(a: TypedArray, s: number, e: number, eps: number): [number, number] {
  let mean = 0;
  for (let i = s; i < e; i++) mean += a[i];
  mean /= e - s;
  let variance = 0;
  for (let i = s; i < e; i++) variance += (a[i] - mean) ** 2;
  return [mean, 1 / Math.sqrt(variance / (e - s) + eps)];
}

export function layerNorm(out: Info, [x]: readonly Info[], { eps }: { eps: number }): void {
  const o = out.handle, a = x.handle;
  rows(out, (s, e) => {
    const [mean, rstd] = stats(a, s, e, eps);
    for (let i = s; i < e; i++) o[i] = (a[i] - mean) * rstd;
  });
}

/** dx = rstd · (g − mean(g) − x̂ · mean(g ⊙ x̂)) */
export function layerNormGrad(out: Info, [grad, x]: readonly Info[], { eps }: { eps: number }): void {
  const o = out.handle, g = grad.handle, a = x.handle;
  rows(out, (s, e) => {
    const [mean, rstd] = stats(a, s, e, eps);
    let gMean = 0;
    let gxMean = 0;
    for (let i = s; i < e; i++) {
      gMean += g[i];
      gxMean += g[i] * (a[i] - mean) * rstd;
    }
    gMean /= e - s;
    gxMean /= e - s;
    for (let i = s; i < e; i++) o[i] = rstd * (g[i] - gMean - (a[i] - mean) * rstd * gxMean);
  });
}

/** 1 / sqrt(mean(x²) + eps) of a row, in doubles. */
function inverseRms(a: TypedArray, s: number, e: number, eps: number): number {
  let squares = 0;
  for (let i = s; i < e; i++) squares += a[i] * a[i];
  return 1 / Math.sqrt(squares / (e - s) + eps);
}

export function rmsNorm(out: Info, [x]: readonly Info[], { eps }: { eps: number }): void {
  const o = out.handle, a = x.handle;
  rows(out, (s, e) => {
    const r = inverseRms(a, s, e, eps);
    for (let i = s; i < e; i++) o[i] = a[i] * r;
  });
}

/** dx = r · g − r³ · x · mean(g ⊙ x), r = 1 / sqrt(mean(x²) + eps). */
export function rmsNormGrad(out: Info, [grad, x]: readonly Info[], { eps }: { eps: number }): void {
  const o = out.handle, g = grad.handle, a = x.handle;
  rows(out, (s, e) => {
    const r = inverseRms(a, s, e, eps);
    let gx = 0;
    for (let i = s; i < e; i++) gx += g[i] * a[i];
    const c = (r * r * r * gx) / (e - s);
    for (let i = s; i < e; i++) o[i] = r * g[i] - c * a[i];
  });
}

export function silu(out: Info, [x]: readonly Info[]): void {
  const o = out.handle, a = x.handle;
  for (let i = 0; i < o.length; i++) o[i] = a[i] / (1 + Math.exp(-a[i]));
}

/** d/dx of x·σ(x) = σ(x)·(1 + x·(1 − σ(x))). */
export function siluGrad(out: Info, [grad, x]: readonly Info[]): void {
  const o = out.handle, g = grad.handle, a = x.handle;
  for (let i = 0; i < o.length; i++) {
    const sigma = 1 / (1 + Math.exp(-a[i]));
    o[i] = g[i] * sigma * (1 + a[i] * (1 - sigma));
  }
}
