import { afterEach, describe, expect, it } from "vitest";
import { BlasUnavailableError, createWasmBackend, GEMM_ENV, gemmModeFromEnvironment } from "./index.js";

describe("GEMM path selection", () => {
  const saved = process.env[GEMM_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[GEMM_ENV];
    else process.env[GEMM_ENV] = saved;
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
});
