import { afterEach, describe, expect, it } from "vitest";
import { BLAS_LIBRARIES_ENV, blasCandidates, BlasUnavailableError, createWasmBackend, defaultBlasCandidates, GEMM_ENV, gemmModeFromEnvironment } from "./index.js";

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
