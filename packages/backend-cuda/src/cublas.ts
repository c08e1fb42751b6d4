import type { KoffiLibrary } from "./koffi-loader.js";

/** cublasMath_t: default (plain f32) and TF32 tensor-op math. */
export const CUBLAS_DEFAULT_MATH = 0;
export const CUBLAS_TF32_TENSOR_OP_MATH = 3;
/** cudaDataType / cublasComputeType_t values used here. */
export const CUDA_R_32F = 0;
export const CUDA_R_16BF = 14;
export const CUBLAS_COMPUTE_32F = 68;

/** One operand of a strided batched GEMM: device address, leading dimension, batch stride (elements). */
export interface GemmOperand {
  readonly pointer: bigint;
  readonly ld: number;
  readonly stride: number;
}

/** Column-major cuBLAS GEMM calls (callers do the row-major swap, see `rowMajorGemm`). */
export interface Cublas {
  readonly path: string;
  readonly version: number;
  setMathMode(mode: number): void;
  /** C = op(A)·op(B), f32, `batch` matrices at the given strides (0 broadcasts an operand). */
  sgemmBatched(transA: boolean, transB: boolean, m: number, n: number, k: number, a: GemmOperand, b: GemmOperand, c: GemmOperand, batch: number): void;
  /** Same with A and B in `abType` (e.g. bf16) and C in f32, f32 compute. */
  gemmBatchedEx(transA: boolean, transB: boolean, m: number, n: number, k: number, a: GemmOperand, b: GemmOperand, c: GemmOperand, batch: number, abType: number): void;
}

export class CublasError extends Error {
  constructor(call: string, status: number, detail: string) {
    super(`backend-cuda: ${call} failed with cuBLAS status ${status} (${detail})`);
    this.name = "CublasError";
  }
}

export function bindCublas(lib: KoffiLibrary, path: string): Cublas {
  const f = (signature: string) => lib.func(signature);
  const cublasCreate = f("int cublasCreate_v2(_Out_ void **handle)");
  const cublasGetVersion = f("int cublasGetVersion_v2(void *handle, _Out_ int *version)");
  const cublasSetMathMode = f("int cublasSetMathMode(void *handle, int mode)");
  const sgemm = f(
    "int cublasSgemmStridedBatched(void *handle, int transa, int transb, int m, int n, int k, const float *alpha, uint64_t A, int lda, int64_t strideA, uint64_t B, int ldb, int64_t strideB, const float *beta, uint64_t C, int ldc, int64_t strideC, int batchCount)",
  );
  const gemmEx = f(
    "int cublasGemmStridedBatchedEx(void *handle, int transa, int transb, int m, int n, int k, const void *alpha, uint64_t A, int Atype, int lda, int64_t strideA, uint64_t B, int Btype, int ldb, int64_t strideB, const void *beta, uint64_t C, int Ctype, int ldc, int64_t strideC, int batchCount, int computeType, int algo)",
  );
  const check = (call: string, status: number, detail: string) => {
    if (status !== 0) throw new CublasError(call, status, detail);
  };
  const handle: unknown[] = [null];
  check("cublasCreate", cublasCreate(handle), "is a CUDA context current?");
  const version = [0];
  cublasGetVersion(handle[0], version);
  const one = new Float32Array([1]);
  const zero = new Float32Array([0]);
  const op = (t: boolean) => (t ? 1 : 0);
  const describe = (m: number, n: number, k: number, batch: number) => `m=${m} n=${n} k=${k} batch=${batch}`;
  return {
    path,
    version: version[0]!,
    setMathMode: (mode) => check("cublasSetMathMode", cublasSetMathMode(handle[0], mode), `mode ${mode}`),
    sgemmBatched(transA, transB, m, n, k, a, b, c, batch) {
      const status = sgemm(handle[0], op(transA), op(transB), m, n, k, one, a.pointer, a.ld, a.stride, b.pointer, b.ld, b.stride, zero, c.pointer, c.ld, c.stride, batch);
      check("cublasSgemmStridedBatched", status, describe(m, n, k, batch));
    },
    gemmBatchedEx(transA, transB, m, n, k, a, b, c, batch, abType) {
      const status = gemmEx(
        handle[0], op(transA), op(transB), m, n, k, one, a.pointer, abType, a.ld, a.stride, b.pointer, abType, b.ld, b.stride, zero, c.pointer, CUDA_R_32F, c.ld, c.stride, batch, CUBLAS_COMPUTE_32F, -1,
      );
      check("cublasGemmStridedBatchedEx", status, describe(m, n, k, batch));
    },
  };
}

/**
 * Row-major `C[M, N] = op(A) · op(B)` as cuBLAS's column-major `Cᵀ = op(B)ᵀ · op(A)ᵀ`: a row-major matrix
 * read column-major is its transpose, so swap the operands and keep each transpose flag. Returns the
 * column-major call's arguments (no copies).
 */
export function rowMajorGemm(transA: boolean, transB: boolean, m: number, n: number, k: number) {
  return {
    transFirst: transB,
    transSecond: transA,
    m: n,
    n: m,
    k,
    ldFirst: transB ? k : n,
    ldSecond: transA ? m : k,
    ldC: n,
  };
}
