import { describe, expect, it } from "vitest";
import { builtinsPreloadReport, openLibraries } from "../koffi-loader.js";
import { bindNvrtc, NvrtcError, type Nvrtc } from "../nvrtc.js";
import { allKernelSources } from "./catalog.js";

// NVRTC needs no GPU: every generated kernel is compiled for sm_90 (the H200) wherever libnvrtc is found
// (ADAPTIVE_SPARSE_CUDA_LIBRARIES, the CUDA toolkit, or pip's nvidia-cuda-nvrtc wheel).
let nvrtc: Nvrtc | null = null;
try {
  const { nvrtc: lib } = openLibraries(["nvrtc"]);
  nvrtc = bindNvrtc(lib.lib, lib.path);
} catch (error) {
  console.log(`NVRTC compile test skipped: ${(error as Error).message.split("\n").slice(0, 2).join(" ")}`);
}

describe.runIf(nvrtc)("every generated kernel compiles with NVRTC", () => {
  it("compiles each kernel for sm_90 to a cubin (ELF)", () => {
    const sources = allKernelSources();
    expect(sources.length).toBeGreaterThan(60);
    for (const { name, source } of sources) {
      const cubin = nvrtc!.compile(source, name, 90);
      expect(Array.from(cubin.subarray(0, 4)), name).toEqual([0x7f, 0x45, 0x4c, 0x46]);
    }
  }, 120_000);

  it("says what preloading NVRTC's builtins did (NVRTC's own error on missing builtins does not)", () => {
    const report = builtinsPreloadReport();
    if (nvrtc!.path.includes("/")) expect(report).toMatch(/preloaded \/.*\/libnvrtc-builtins\.so\.[\d.]+/);
    else expect(report).toBe("no builtins were preloaded (NVRTC was found by its bare name)");
  });

  it("reports a compile error with the kernel's name and NVRTC's log", () => {
    let caught: unknown = null;
    try {
      nvrtc!.compile('extern "C" __global__ void k(float* o) { o[0] = missing_value; }', "broken_kernel", 90);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(NvrtcError);
    expect((caught as Error).message).toMatch(/NVRTC could not compile kernel "broken_kernel" \(NVRTC_ERROR_COMPILATION \(6\)\):\n.*identifier "missing_value" is undefined/s);
  });
});
