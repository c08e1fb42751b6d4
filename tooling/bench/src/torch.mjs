// PyTorch CPU as a peer, through Debian's /usr/bin/python3 (python3-torch): one child process times every
// job and reports medians as JSON.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const PYTHON = "/usr/bin/python3";
const SCRIPT = fileURLToPath(new URL("./torch_bench.py", import.meta.url));

/**
 * Runs `jobs` ({kind: "gemm", m, k, n} | {kind: "gemv", n, k}) in PyTorch with `threads` threads.
 * @returns { available: true, version, threads, seconds: number[] } or { available: false, reason }.
 */
export function runTorch(jobs, threads) {
  if (!existsSync(PYTHON)) return Promise.resolve({ available: false, reason: `${PYTHON} not found` });
  // OMP_WAIT_POLICY=PASSIVE: idle OpenMP threads sleep instead of spinning on the 2 shared cores;
  // OPENBLAS_CORETYPE unset so OpenBLAS picks the kernels for this CPU (as our BLAS path does, see scripts/bench.mjs).
  const env = { ...process.env, OMP_WAIT_POLICY: "PASSIVE", OMP_NUM_THREADS: String(threads) };
  delete env.OPENBLAS_CORETYPE;
  return new Promise((resolve) => {
    execFile(PYTHON, [SCRIPT, JSON.stringify(jobs), String(threads)], { env, maxBuffer: 1 << 20, timeout: 600_000 }, (error, stdout, stderr) => {
      if (error) {
        const missing = /No module named ['"]?torch/.test(stderr);
        resolve({ available: false, reason: missing ? "python3-torch is not installed (apt install python3-torch)" : `python3 failed: ${stderr.trim().split("\n").pop() || error.message}` });
        return;
      }
      const parsed = JSON.parse(stdout);
      resolve({ available: true, version: parsed.torch, threads: parsed.threads, seconds: parsed.results });
    });
  });
}
