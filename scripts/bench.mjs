// `npm run bench` (after `turbo run build`): see tooling/bench/README.md.
//   node scripts/bench.mjs [--quick] [--keep-openblas-coretype] [--no-relaxed-simd]
// The run happens in a child process when the environment needs adjusting first:
// - OpenBLAS reads OPENBLAS_CORETYPE once, when it loads. PyTorch runs with it unset (it picks the
//   kernels for this CPU), so our BLAS path is measured without it too, unless told to keep it.
// - OpenBLAS's idle threads spin for about 0.1 s after each call unless OPENBLAS_THREAD_TIMEOUT says otherwise;
//   our BLAS path and PyTorch both get the same short timeout (tooling/bench/src/children.mjs says why).
// - Node 20 has WebAssembly relaxed SIMD (fused multiply-add) behind --experimental-wasm-relaxed-simd;
//   Node 22+ ships it. With the flag, our wasm GEMM is measured in both builds (rows say which).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { relaxedSimdSupported } from "@adaptive-sparse/backend-wasm";
import { OPENBLAS_THREAD_TIMEOUT } from "../tooling/bench/src/children.mjs";

const args = process.argv.slice(2);
const CHILD = "ADAPTIVE_SPARSE_BENCH_CHILD";
if (!process.env[CHILD]) {
  const env = { ...process.env, [CHILD]: "1" };
  const notes = [];
  if (process.env.OPENBLAS_CORETYPE && !args.includes("--keep-openblas-coretype")) {
    notes.push(`OPENBLAS_CORETYPE=${process.env.OPENBLAS_CORETYPE} was unset for this run, as for PyTorch (--keep-openblas-coretype keeps it)`);
    delete env.OPENBLAS_CORETYPE;
  }
  env.OPENBLAS_THREAD_TIMEOUT = OPENBLAS_THREAD_TIMEOUT;
  notes.push(`OPENBLAS_THREAD_TIMEOUT=${OPENBLAS_THREAD_TIMEOUT} for our BLAS path and for PyTorch: idle OpenBLAS threads spin about 0.3 ms after a call instead of about 0.1 s, so no implementation runs while another's threads still hold a core`);
  const flags = [];
  if (!relaxedSimdSupported() && !args.includes("--no-relaxed-simd")) {
    notes.push(`Node ${process.version} runs with --experimental-wasm-relaxed-simd (on by default from Node 22) so the relaxed-SIMD build is measured too (--no-relaxed-simd skips it)`);
    flags.push("--experimental-wasm-relaxed-simd");
  }
  env.ADAPTIVE_SPARSE_BENCH_NOTES = JSON.stringify(notes);
  const child = spawnSync(process.execPath, [...flags, fileURLToPath(import.meta.url), ...args], { env, stdio: "inherit" });
  process.exit(child.status ?? 1);
}

const notes = JSON.parse(process.env.ADAPTIVE_SPARSE_BENCH_NOTES ?? "[]");
if (process.env.OPENBLAS_CORETYPE) notes.push(`OPENBLAS_CORETYPE=${process.env.OPENBLAS_CORETYPE} kept for our BLAS path (PyTorch still runs without it)`);
const { runBench } = await import("../tooling/bench/src/run.mjs");
await runBench({ quick: args.includes("--quick"), notes });
