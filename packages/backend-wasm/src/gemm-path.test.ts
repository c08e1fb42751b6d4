import { afterEach, describe, expect, it } from "vitest";
import { findBlas } from "./blas/blas-library.js";
import { BLAS_LIBRARIES_ENV, blasCandidates, BlasUnavailableError, createWasmBackend, defaultBlasCandidates, GEMM_ENV, gemmModeFromEnvironment } from "./index.js";
import { relativeFrobenius, seededArray } from "./test-helpers.js";

describe("GEMM path selection", () => {
  const saved = { [GEMM_ENV]: process.env[GEMM_ENV], [BLAS_LIBRARIES_ENV]: process.env[BLAS_LIBRARIES_ENV] };
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it("reads ADAPTIVE_SPARSE_GEMM and rejects other values", () => {
    delete process.env[GEMM_ENV];
    expect(gemmModeFromEnvironment()).toBeUndefined();
    process.env[GEMM_ENV] = "wasm";
    expect(gemmModeFromEnvironment()).toBe("wasm");
    process.env[GEMM_ENV] = "cuda";
    expect(() => gemmModeFromEnvironment()).toThrow(/ADAPTIVE_SPARSE_GEMM="cuda" is not a GEMM path; valid values: auto, blas, wasm/);
  });

  it("ADAPTIVE_SPARSE_GEMM=wasm forces the wasm GEMM even where a BLAS exists", async () => {
    process.env[GEMM_ENV] = "wasm";
    const backend = await createWasmBackend({ threads: 1 });
    expect(backend.gemmPath).toBe("wasm");
    expect(backend.blasLibrary).toBeNull();
  });

  it("forcing blas without a loadable library fails, naming each library tried and the package to install", async () => {
    process.env[GEMM_ENV] = "blas";
    const attempt = createWasmBackend({ threads: 1, blasLibraries: ["libnot-a-blas.so.9", "/nowhere/libblas.so"] });
    await expect(attempt).rejects.toThrow(BlasUnavailableError);
    await expect(createWasmBackend({ threads: 1, blasLibraries: ["libnot-a-blas.so.9"] })).rejects.toThrow(
      /ADAPTIVE_SPARSE_GEMM=blas.*tried libnot-a-blas\.so\.9 \(.+\).*apt install libopenblas0-pthread/s,
    );
  });

  it("auto falls back to wasm silently when no library loads, and the option overrides the variable", async () => {
    process.env[GEMM_ENV] = "blas";
    const backend = await createWasmBackend({ threads: 1, gemm: "auto", blasLibraries: ["libnot-a-blas.so.9"] });
    expect(backend.gemmPath).toBe("wasm");
  });

  it("ADAPTIVE_SPARSE_BLAS_LIBRARIES replaces the default library list (PATH-style), and the option replaces both", () => {
    delete process.env[BLAS_LIBRARIES_ENV];
    expect(blasCandidates(undefined, "linux")).toEqual({ candidates: defaultBlasCandidates("linux"), source: "the platform's defaults" });
    process.env[BLAS_LIBRARIES_ENV] = "/opt/blis/libblis.so.4: libopenblas.so.0";
    expect(blasCandidates(undefined, "linux").candidates).toEqual(["/opt/blis/libblis.so.4", "libopenblas.so.0"]);
    process.env[BLAS_LIBRARIES_ENV] = "C:\\blas\\libopenblas.dll;mkl_rt.2.dll";
    expect(blasCandidates(undefined, "win32").candidates).toEqual(["C:\\blas\\libopenblas.dll", "mkl_rt.2.dll"]);
    expect(blasCandidates(["libmine.so"], "linux")).toEqual({ candidates: ["libmine.so"], source: "option blasLibraries" });
  });

  it("ADAPTIVE_SPARSE_BLAS_LIBRARIES=none is a machine without a BLAS: auto runs the wasm GEMM, blas fails saying why", async () => {
    process.env[BLAS_LIBRARIES_ENV] = "none";
    delete process.env[GEMM_ENV];
    const backend = await createWasmBackend({ threads: 1 });
    expect(backend.gemmPath).toBe("wasm");
    expect(backend.blasLibrary).toBeNull();
    await expect(createWasmBackend({ threads: 1, gemm: "blas" })).rejects.toThrow(
      'no BLAS library could be loaded; no library was tried (ADAPTIVE_SPARSE_BLAS_LIBRARIES=none lists none). Install one (on Debian/Ubuntu: `apt install libopenblas0-pthread`), name yours with the blasLibraries option or ADAPTIVE_SPARSE_BLAS_LIBRARIES, or use gemm "wasm" / "auto"',
    );
  });
});

const { blas: systemBlas } = await findBlas(blasCandidates(undefined, process.platform).candidates);
describe.runIf(systemBlas)("the BLAS path's small batched products (attention heads) run on the wasm GEMM", () => {
  const info = (handle: Float32Array, shape: number[]) => ({ handle, shape, dtype: "f32" as const });
  /** C [batch, m, n] = A [batch, m, k] · B [batch, n, k]ᵀ through the MatMul kernel of a backend of the given path. */
  async function product(gemm: "blas" | "wasm", batch: number, m: number, n: number, k: number): Promise<Float32Array> {
    const backend = await createWasmBackend({ gemm, threads: 2, relaxedSimd: false });
    try {
      const c = new Float32Array(batch * m * n);
      backend.kernels.MatMul!(info(c, [batch, m, n]), [info(seededArray(batch * m * k, 1), [batch, m, k]), info(seededArray(batch * n * k, 2), [batch, n, k])], { transA: false, transB: true });
      return c;
    } finally {
      backend.dispose();
    }
  }

  it("4 heads of 128 x 128 x 64 (4.2M multiply-adds): bit for bit the wasm GEMM's product; 64 heads (67M): the library's", async () => {
    expect(await product("blas", 4, 128, 128, 64)).toEqual(await product("wasm", 4, 128, 128, 64));
    const [viaBlas, viaWasm] = [await product("blas", 64, 128, 128, 64), await product("wasm", 64, 128, 128, 64)];
    expect(viaBlas).not.toEqual(viaWasm); // another summation order
    expect(relativeFrobenius(viaBlas, viaWasm)).toBeLessThan(1e-6);
  });
});
if (!systemBlas) console.log("the BLAS path's small batched products: skipped, no BLAS library loaded; install libopenblas0-pthread");
