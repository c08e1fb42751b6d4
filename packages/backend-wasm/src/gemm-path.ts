import { ConfigError } from "@adaptive-sparse/core";
import { blasInstallHint, findBlas, type BlasGemm } from "./blas/blas-library.js";
import { BlasUnavailableError } from "./errors.js";

/** Which GEMM the MatMul kernel uses: a system BLAS when one loads (`auto`), or force one. */
export type GemmMode = "auto" | "blas" | "wasm";

/** Environment variable that forces the GEMM path when the `gemm` option is not given. */
export const GEMM_ENV = "ADAPTIVE_SPARSE_GEMM";

const MODES: readonly GemmMode[] = ["auto", "blas", "wasm"];

/**
 * The mode named by ADAPTIVE_SPARSE_GEMM, or undefined when it is unset (or not in Node).
 * @throws ConfigError for any other value.
 */
export function gemmModeFromEnvironment(): GemmMode | undefined {
  const value = typeof process === "undefined" ? undefined : process.env?.[GEMM_ENV];
  if (value === undefined || value === "") return undefined;
  if (!MODES.includes(value as GemmMode)) {
    throw new ConfigError(`${GEMM_ENV}="${value}" is not a GEMM path; valid values: ${MODES.join(", ")} (or leave it unset for auto)`);
  }
  return value as GemmMode;
}

/**
 * Resolves a mode to a loaded BLAS (use it) or null (use the wasm GEMM). `auto` falls back silently.
 * @throws BlasUnavailableError for `blas` when no candidate loads, listing each library and why.
 */
export async function resolveGemm(mode: GemmMode, candidates: readonly string[], source: string): Promise<BlasGemm | null> {
  if (mode === "wasm") return null;
  const { blas, tried } = await findBlas(candidates);
  if (blas || mode === "auto") return blas;
  const platform = typeof process === "undefined" ? "browser" : process.platform;
  throw new BlasUnavailableError(
    `wasm backend: the BLAS GEMM was requested (${source}) but no BLAS library could be loaded; tried ${tried.map((t) => `${t.library} (${t.reason})`).join(", ")}. ` +
      `Install one (${blasInstallHint(platform)}), name yours with the blasLibraries option, or use gemm "wasm" / "auto"`,
  );
}
