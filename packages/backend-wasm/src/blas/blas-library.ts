/**
 * Finding a system BLAS and calling its `cblas_sgemm` through koffi (Node only). Nothing is bundled: a
 * machine either has OpenBLAS, MKL, BLIS or Accelerate installed, or the wasm GEMM runs instead.
 */

/** A loaded CBLAS single-precision GEMM. */
export interface BlasGemm {
  /** The library file that was loaded, as it was named to the loader. */
  readonly library: string;
  /**
   * Row-major `C[m, n] = op(A) · op(B)` (CblasRowMajor; transposes as CblasTrans flags), writing C in
   * place. Typed-array views are passed by pointer, so subarrays address batch members without copies.
   */
  sgemm(transA: boolean, transB: boolean, m: number, n: number, k: number, a: Float32Array, lda: number, b: Float32Array, ldb: number, c: Float32Array, ldc: number): void;
  /**
   * Row-major `y = op(A) · x` for A [rows, cols] (`cblas_sgemv`), where the library exports it: a product with one
   * row or one column is a matrix-vector product, which GEMM kernels run well below memory speed (decoding).
   */
  sgemv?(trans: boolean, rows: number, cols: number, a: Float32Array, lda: number, x: Float32Array, y: Float32Array): void;
  /** Sets the library's own thread count where it exposes one (OpenBLAS, MKL, BLIS); otherwise a no-op. */
  setThreads(threads: number): void;
}

/** Libraries tried in order when none is named, per platform. */
export function defaultBlasCandidates(platform: string): string[] {
  if (platform === "darwin") {
    return [
      "/System/Library/Frameworks/Accelerate.framework/Accelerate",
      "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
      "/usr/local/opt/openblas/lib/libopenblas.dylib",
      "libopenblas.dylib",
    ];
  }
  if (platform === "win32") return ["libopenblas.dll", "openblas.dll", "mkl_rt.2.dll", "mkl_rt.dll"];
  return ["libopenblas.so.0", "libopenblas.so", "libmkl_rt.so.2", "libmkl_rt.so", "libblis.so.4", "libblis.so.3", "libblis.so"];
}

/** What to install when no library is found, for error messages. */
export function blasInstallHint(platform: string): string {
  if (platform === "darwin") return "Accelerate ships with macOS; or `brew install openblas`";
  if (platform === "win32") return "put OpenBLAS's libopenblas.dll on PATH";
  return "on Debian/Ubuntu: `apt install libopenblas0-pthread`";
}

const ROW_MAJOR = 101;
const NO_TRANS = 111;
const TRANS = 112;

/** Result of a search: the GEMM, or null and why each candidate failed. */
export interface BlasSearch {
  readonly blas: BlasGemm | null;
  readonly tried: readonly { library: string; reason: string }[];
}

type Koffi = typeof import("koffi");

async function loadKoffi(): Promise<Koffi | null> {
  if (typeof process === "undefined" || !process.versions?.node) return null;
  try {
    const module = (await import("koffi")) as Koffi & { default?: Koffi };
    return module.default ?? module;
  } catch {
    return null;
  }
}

function bind(koffi: Koffi, library: string): BlasGemm {
  const handle = koffi.load(library);
  const sgemm = handle.func(
    "void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha, const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc)",
  );
  let sgemv: BlasGemm["sgemv"];
  try {
    const gemv = handle.func("void cblas_sgemv(int order, int trans, int m, int n, float alpha, const float *a, int lda, const float *x, int incx, float beta, float *y, int incy)");
    sgemv = (trans, rows, cols, a, lda, x, y) => gemv(ROW_MAJOR, trans ? TRANS : NO_TRANS, rows, cols, 1, a, lda, x, 1, 0, y, 1);
  } catch {
    // not exported: single-row products go through sgemm
  }
  // Thread setters differ per library; the first one the library exports wins.
  let setThreads: (threads: number) => void = () => {};
  for (const name of ["openblas_set_num_threads", "MKL_Set_Num_Threads", "bli_thread_set_num_threads"]) {
    try {
      const setter = handle.func(`void ${name}(int threads)`);
      setThreads = (threads) => setter(threads);
      break;
    } catch {
      // not exported by this library
    }
  }
  return {
    library,
    sgemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc) {
      sgemm(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, 1, a, lda, b, ldb, 0, c, ldc);
    },
    ...(sgemv ? { sgemv } : {}),
    setThreads,
  };
}

const searches = new Map<string, Promise<BlasSearch>>();

/** OPENBLAS_THREAD_TIMEOUT this backend sets when the user has not: 2^20 cycles, about 0.3 ms. */
export const OPENBLAS_THREAD_TIMEOUT = "20";

/**
 * OpenBLAS's idle threads spin about 0.1 s after each call by default, on the cores the worker pool needs
 * for the next wasm kernel: a 2:4 decode (a BLAS LM head, then wasm GEMVs) measured 13.4-17.7 ms a token
 * that way against 12.7-13.5 ms with 2^20 cycles, and 48 wasm 2:4 GEMVs run between BLAS calls took 9 ms
 * against 4.7-5.8. OpenBLAS reads the variable when it loads, so this runs before the first load and leaves
 * a value the user set alone.
 */
export function defaultBlasThreadTimeout(env: Record<string, string | undefined>): void {
  if (env.OPENBLAS_THREAD_TIMEOUT === undefined) env.OPENBLAS_THREAD_TIMEOUT = OPENBLAS_THREAD_TIMEOUT;
}

/**
 * Loads the first library of `candidates` that exports `cblas_sgemm` (cached per candidate list).
 * Never throws: a machine without koffi or without any library gets `{ blas: null, tried }`.
 */
export function findBlas(candidates: readonly string[]): Promise<BlasSearch> {
  const key = candidates.join("\n");
  let search = searches.get(key);
  if (!search) {
    search = (async () => {
      const koffi = await loadKoffi();
      if (koffi) defaultBlasThreadTimeout(process.env);
      if (!koffi) return { blas: null, tried: candidates.map((library) => ({ library, reason: "koffi is unavailable (not Node, or not installed)" })) };
      const tried: { library: string; reason: string }[] = [];
      for (const library of candidates) {
        try {
          return { blas: bind(koffi, library), tried };
        } catch (error) {
          tried.push({ library, reason: error instanceof Error ? error.message.split("\n")[0]! : String(error) });
        }
      }
      return { blas: null, tried };
    })();
    searches.set(key, search);
  }
  return search;
}
