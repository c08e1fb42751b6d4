// Measurements that run in their own child process: PyTorch (another runtime), and every GPT or GPU
// measurement, so that each one's peak RSS is its own and a crashing driver cannot take the run down.
// A child prints its result as one JSON line starting with RESULT_MARK; everything else it prints is ignored.
import { execFile, execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const RESULT_MARK = "BENCH_RESULT ";
export const PYTHON = "/usr/bin/python3";
const BACKEND_CHILD = fileURLToPath(new URL("./backend-child.mjs", import.meta.url));

/** Whether Debian's python3 can import torch (the PyTorch peer rows and their tests need it). */
export function torchImportable() {
  if (!existsSync(PYTHON)) return false;
  try {
    execFileSync(PYTHON, ["-c", "import torch"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Dawn prints these on every device; they are not errors. */
const NOISE = /artificially reduced|^\s*$/;

/** The JSON a child printed after RESULT_MARK (a plain JSON stdout is accepted too), or null. */
export function parseChildOutput(stdout) {
  const lines = stdout.split("\n");
  const marked = lines.findLast((line) => line.startsWith(RESULT_MARK));
  if (marked) return JSON.parse(marked.slice(RESULT_MARK.length));
  const last = lines.findLast((line) => line.trim().startsWith("{"));
  return last ? JSON.parse(last) : null;
}

/** The last meaningful line of a child's stderr, to say why it failed. */
export function lastErrorLine(stderr) {
  return stderr.split("\n").filter((line) => !NOISE.test(line)).pop()?.trim() ?? "";
}

/**
 * Runs `file args` and resolves to { ok: true, value } with the child's JSON result, or { ok: false, reason }.
 * A result with an `error` field (the child caught it) is a failure with that reason.
 */
export function runJsonChild(file, args, { env = process.env, timeoutMs = 600_000 } = {}) {
  return new Promise((resolve) => {
    execFile(file, args, { env, maxBuffer: 16 << 20, timeout: timeoutMs, killSignal: "SIGKILL" }, (error, stdout, stderr) => {
      let value;
      try {
        value = parseChildOutput(stdout);
      } catch {
        value = null; // a half-written line from a killed child
      }
      if (value?.error) resolve({ ok: false, reason: value.error });
      else if (error || !value) {
        const why = error?.killed ? `timed out after ${timeoutMs / 1000} s` : lastErrorLine(stderr) || error?.message || "no result printed";
        resolve({ ok: false, reason: why, stderr });
      } else resolve({ ok: true, value });
    });
  });
}

/** Runs `backend-child.mjs` with `job` in a fresh Node process (same flags as this one, e.g. relaxed SIMD). */
export function runBackendChild(job, options) {
  return runJsonChild(process.execPath, [...process.execArgv, BACKEND_CHILD, JSON.stringify(job)], options);
}

/**
 * How long OpenBLAS's idle threads spin before they sleep, as OPENBLAS_THREAD_TIMEOUT's exponent (2^20 cycles,
 * about 0.3 ms). Its default (2^28, about 0.1 s) keeps a core busy for 110-130 ms after every call, measured
 * from the process's CPU time, so each PyTorch call took a core from whatever ran next in the round, and our
 * BLAS path's calls from the next peer. Calls made back to back (a re-warm and its timed call) still find the
 * threads awake. Applied to PyTorch and to our process alike (scripts/bench.mjs).
 */
export const OPENBLAS_THREAD_TIMEOUT = "20";

/**
 * The environment PyTorch runs in: OMP_WAIT_POLICY=PASSIVE so idle OpenMP threads sleep instead of spinning
 * on shared cores, `threads` OpenMP threads, OpenBLAS's idle threads likewise (OPENBLAS_THREAD_TIMEOUT), and
 * OPENBLAS_CORETYPE unset so OpenBLAS picks the kernels for this CPU (as our BLAS path does, see
 * scripts/bench.mjs).
 */
export function torchEnv(threads) {
  const env = { ...process.env, OMP_WAIT_POLICY: "PASSIVE", OMP_NUM_THREADS: String(threads), OPENBLAS_THREAD_TIMEOUT };
  delete env.OPENBLAS_CORETYPE;
  return env;
}

/** Runs a Python script of this folder with PyTorch's environment; a missing python3 or torch is a failure with the fix. */
export async function runTorchScript(script, args, threads, options = {}) {
  if (!existsSync(PYTHON)) return { ok: false, reason: `${PYTHON} not found (install python3 and python3-torch)` };
  const path = fileURLToPath(new URL(`./${script}`, import.meta.url));
  const result = await runJsonChild(PYTHON, [path, ...args], { ...options, env: torchEnv(threads) });
  if (!result.ok && /No module named ['"]?torch/.test(result.stderr ?? "")) return { ok: false, reason: "python3-torch is not installed (apt install python3-torch)" };
  if (!result.ok && result.stderr !== undefined) return { ok: false, reason: `python3 failed: ${result.reason}` };
  return result;
}
