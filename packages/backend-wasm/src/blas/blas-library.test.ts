import { describe, expect, it } from "vitest";
import { defaultBlasThreadTimeout, findBlas } from "./blas-library.js";

describe("OPENBLAS_THREAD_TIMEOUT", () => {
  it("is set to 2^20 cycles where the user left it unset, and a user's value is kept", () => {
    const unset: Record<string, string | undefined> = {};
    defaultBlasThreadTimeout(unset);
    expect(unset.OPENBLAS_THREAD_TIMEOUT).toBe("20");
    const chosen: Record<string, string | undefined> = { OPENBLAS_THREAD_TIMEOUT: "4" };
    defaultBlasThreadTimeout(chosen);
    expect(chosen.OPENBLAS_THREAD_TIMEOUT).toBe("4");
  });

  it("is in the process environment once a BLAS search has run (OpenBLAS reads it as it loads)", async () => {
    await findBlas(["libopenblas.so.0"]);
    expect(process.env.OPENBLAS_THREAD_TIMEOUT).toBeDefined();
  });
});
