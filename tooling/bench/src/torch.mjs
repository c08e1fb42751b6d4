// PyTorch CPU as a GEMM/GEMV peer timed in the same interleaved rounds as ours: one long-lived
// /usr/bin/python3 child (torch_bench.py) that prepares operands once and runs one call per request,
// timing it itself so the pipe's latency is not counted.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { PYTHON, torchEnv } from "./children.mjs";

const SCRIPT = fileURLToPath(new URL("./torch_bench.py", import.meta.url));

/**
 * Starts PyTorch with `threads` threads. Its calls re-warm below `rewarmBelowMs`, as measureInterleaved
 * does for ours.
 * @returns { available: true, version, threads, blas (library paths, or null), prepare(job), close() } where job is {kind: "gemm", m, k, n}
 *   or {kind: "gemv", n, k} and prepare resolves to { run, dispose } (run resolves to { measuredMs });
 *   or { available: false, reason }.
 */
export async function startTorch(threads, rewarmBelowMs) {
  if (!existsSync(PYTHON)) return { available: false, reason: `${PYTHON} not found (install python3 and python3-torch)` };
  const child = spawn(PYTHON, [SCRIPT, String(threads), String(rewarmBelowMs / 1000)], { env: torchEnv(threads), stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const exited = new Promise((resolve) => child.on("close", resolve));
  child.on("error", () => {}); // reported through `close` and the empty reply

  const why = () => {
    if (/No module named ['"]?torch/.test(stderr)) return "python3-torch is not installed (apt install python3-torch)";
    const last = stderr.trim().split("\n").pop();
    return `python3 failed: ${last || "it exited without a reply"}`;
  };
  /** One request, one reply line; requests are sent one at a time (the bench awaits each). */
  const ask = async (request) => {
    if (request) child.stdin.write(`${JSON.stringify(request)}\n`);
    const next = await lines.next();
    if (next.done) {
      await exited;
      throw new Error(why());
    }
    const reply = JSON.parse(next.value);
    if (reply.error) throw new Error(`PyTorch: ${reply.error}`);
    return reply;
  };
  const close = () => {
    child.stdin.end();
    return exited;
  };

  let hello;
  try {
    hello = await ask(null);
  } catch (error) {
    await close();
    return { available: false, reason: error.message };
  }
  return {
    available: true,
    version: hello.torch,
    threads: hello.threads,
    blas: hello.blas ?? null,
    async prepare(job) {
      const { id } = await ask({ op: "prepare", ...job });
      return {
        run: async () => ({ measuredMs: (await ask({ op: "run", id })).seconds * 1e3 }),
        dispose: () => ask({ op: "free", id }),
      };
    },
    close,
  };
}

/**
 * What PyTorch's BLAS is, from the libraries its process mapped: "OpenBLAS (path)" and the like, with
 * `reference: true` for the netlib reference BLAS (Debian's libblas3 alone), whose GEMM runs at a few
 * GFLOP/s, so every ratio to PyTorch is then far above what it is against OpenBLAS.
 */
export function describeTorchBlas(paths) {
  if (!paths?.length) return { text: "unknown", reference: false };
  const blas = paths.filter((p) => !/lapack/i.test(p.split("/").pop()));
  const named = (p) => (/openblas/i.test(p) ? "OpenBLAS" : /mkl/i.test(p) ? "MKL" : /blis/i.test(p) ? "BLIS" : /\/blas\/libblas\.so/.test(p) ? "reference BLAS (netlib)" : "BLAS");
  const list = (blas.length ? blas : paths).map((p) => `${named(p)} (${p})`);
  const reference = blas.length > 0 && blas.every((p) => named(p) === "reference BLAS (netlib)");
  return { text: list.join(", "), reference };
}
