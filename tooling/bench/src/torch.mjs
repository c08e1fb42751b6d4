// PyTorch CPU as a GEMM/GEMV peer, through Debian's /usr/bin/python3 (python3-torch): one child process
// times every job and reports medians as JSON.
import { runTorchScript } from "./children.mjs";

/**
 * Runs `jobs` ({kind: "gemm", m, k, n} | {kind: "gemv", n, k}) in PyTorch with `threads` threads.
 * @returns { available: true, version, threads, seconds: number[] } or { available: false, reason }.
 */
export async function runTorch(jobs, threads) {
  const result = await runTorchScript("torch_bench.py", [JSON.stringify(jobs), String(threads)], threads);
  if (!result.ok) return { available: false, reason: result.reason };
  const { torch, threads: used, results } = result.value;
  return { available: true, version: torch, threads: used, seconds: results };
}
