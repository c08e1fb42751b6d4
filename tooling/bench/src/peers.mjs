// The GEMM implementations under test. Each `create*` returns { name, prepare(m, k, n) } where prepare
// allocates the operands once and returns { run, dispose }: `run` computes C = A · B (A [m, k],
// B [k, n], float32, row-major) once.
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { createCpuBackend } from "@adaptive-sparse/core";
import { createWasmBackend } from "@adaptive-sparse/backend-wasm";
import { onnxMatMulModel } from "./onnx-matmul.mjs";
import { randomArray } from "./measure.mjs";

const info = (handle, shape) => ({ handle, shape, dtype: "f32" });

/** A MatMul through a backend's kernel table, as a model would run it (operands are backend buffers). */
function kernelPeer(name, backend, extra = {}) {
  return {
    name,
    ...extra,
    prepare(m, k, n) {
      const a = info(randomArray(m * k, 1), [m, k]);
      const b = info(randomArray(k * n, 2), [k, n]);
      const c = info(new Float32Array(m * n), [m, n]);
      return { run: () => backend.kernels.MatMul(c, [a, b], { transA: false, transB: false }), dispose() {} };
    },
    dispose: () => backend.dispose?.(),
  };
}

/** Core's reference cpu backend (plain TypeScript). */
export function createCorePeer() {
  return kernelPeer("core cpu", createCpuBackend());
}

/** Our wasm backend: `gemm` "wasm" (with `threads`) or "blas". */
export async function createOurPeer(name, options) {
  const backend = await createWasmBackend(options);
  return kernelPeer(name, backend, { backend });
}

/** @tensorflow/tfjs-backend-wasm, its single-thread SIMD build (XNNPACK), loaded from node_modules. */
export async function createTfjsPeer() {
  const tf = await import("@tensorflow/tfjs-core");
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  const require = createRequire(import.meta.url);
  const dist = dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm"));
  wasm.setWasmPaths(`${dist}/`);
  // Node has SharedArrayBuffer, so tfjs would pick its threaded build; the comparison is with the plain SIMD one.
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
  await tf.setBackend("wasm");
  await tf.ready();
  if (!tf.env().getBool("WASM_HAS_SIMD_SUPPORT")) throw new Error("tfjs-backend-wasm did not load its SIMD build");
  return {
    name: "tfjs-backend-wasm (SIMD, 1 thread)",
    prepare(m, k, n) {
      const a = tf.tensor2d(randomArray(m * k, 1), [m, k]);
      const b = tf.tensor2d(randomArray(k * n, 2), [k, n]);
      return {
        run() {
          const c = tf.matMul(a, b);
          c.dataSync();
          c.dispose();
        },
        dispose() {
          a.dispose();
          b.dispose();
        },
      };
    },
    dispose() {},
  };
}

/** onnxruntime-node (CPU execution provider, MLAS GEMM) on a hand-built one-node MatMul model. */
export async function createOnnxPeer(threads) {
  const ort = await import("onnxruntime-node");
  return {
    name: `onnxruntime-node (${threads} threads)`,
    async prepare(m, k, n) {
      const session = await ort.InferenceSession.create(onnxMatMulModel(m, k, n), {
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        executionMode: "sequential",
        // No spinning between runs: the other implementations are measured right after on the same cores.
        extra: { session: { intra_op: { allow_spinning: "0" } } },
      });
      const feeds = {
        A: new ort.Tensor("float32", randomArray(m * k, 1), [m, k]),
        B: new ort.Tensor("float32", randomArray(k * n, 2), [k, n]),
      };
      return { run: () => session.run(feeds), dispose: () => session.release() };
    },
    dispose() {},
  };
}
