/* global performance */
// Timing: a few warm-up runs (JIT tier-up, resident copies, thread start), then samples until both a
// minimum count and a minimum total time are reached; the median is the figure reported.

/** Median of a non-empty list. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Times several implementations of the same work in rounds: each round runs every one once, in turn,
 * so a change in the machine's load hits all of them alike (the machines this runs on are shared).
 * Returns one { medianMs, minMs, samples } per entry of `runs`.
 *
 * A run may time itself by resolving to `{ measuredMs }` (a peer in another process, so the pipe's latency
 * is not counted); that is its sample, and it re-warms itself (torch_bench.py follows the same rule).
 *
 * `rewarmBelowMs`: an implementation whose last sample took less than this gets one untimed call right
 * before each timed one. Short calls are sensitive to what ran just before them (a BLAS or worker pool
 * whose threads went to sleep while the other implementations ran, caches full of their data), so every
 * timed call follows a call of the same work, as in a back-to-back loop.
 * @param options warmup rounds (2), minSamples (5), maxSamples (15), minTimeMs per implementation (300),
 *   rewarmBelowMs (0: off).
 */
export async function measureInterleaved(runs, { warmup = 2, minSamples = 5, maxSamples = 15, minTimeMs = 300, rewarmBelowMs = 0 } = {}) {
  const selfTimed = runs.map(() => false);
  for (let i = 0; i < warmup; i++) for (const [j, run] of runs.entries()) selfTimed[j] = (await run())?.measuredMs !== undefined;
  const samples = runs.map(() => []);
  const total = runs.map(() => 0);
  const more = () => samples[0].length < maxSamples && (samples[0].length < minSamples || total.some((t) => t < minTimeMs));
  while (more()) {
    for (const [i, run] of runs.entries()) {
      const last = samples[i].at(-1);
      if (rewarmBelowMs > 0 && !selfTimed[i] && (last === undefined || last < rewarmBelowMs)) await run();
      const start = performance.now();
      const result = await run();
      const elapsed = result?.measuredMs ?? performance.now() - start;
      samples[i].push(elapsed);
      total[i] += elapsed;
    }
  }
  return samples.map((list) => ({ medianMs: median(list), minMs: Math.min(...list), samples: list.length }));
}

/** Calls shorter than this get an untimed call of the same work before each timed one (GEMM, GEMV). */
export const REWARM_MS = 20;

/** GFLOP/s of an m x k x n GEMM taking `ms` milliseconds. */
export const gflops = (m, k, n, ms) => (2 * m * k * n) / (ms * 1e6);

/** Deterministic uniform values in [-1, 1). */
export function randomArray(length, seed = 1) {
  let state = seed >>> 0;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}
