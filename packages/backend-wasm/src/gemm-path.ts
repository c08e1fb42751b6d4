import { ConfigError } from "@adaptive-sparse/core";
import { blasInstallHint, defaultBlasCandidates, findBlas, type BlasGemm } from "./blas/blas-library.js";
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
 * Environment variable naming the BLAS libraries to try instead of the platform's defaults: file names or
 * paths separated like PATH (":", or ";" on Windows), or `none` for no BLAS at all (as on a machine
 * without one; CI runs the conformance suite that way). The `blasLibraries` option takes precedence.
 */
export const BLAS_LIBRARIES_ENV = "ADAPTIVE_SPARSE_BLAS_LIBRARIES";

/** The libraries to try and where that list came from (for error messages). */
export interface BlasCandidates {
  readonly candidates: readonly string[];
  readonly source: string;
}

/** The BLAS libraries to try: the `blasLibraries` option, else ADAPTIVE_SPARSE_BLAS_LIBRARIES, else the platform's defaults. */
export function blasCandidates(option: readonly string[] | undefined, platform: string): BlasCandidates {
  if (option) return { candidates: option, source: "option blasLibraries" };
  const value = typeof process === "undefined" ? undefined : process.env?.[BLAS_LIBRARIES_ENV]?.trim();
  if (!value) return { candidates: defaultBlasCandidates(platform), source: "the platform's defaults" };
  if (value === "none") return { candidates: [], source: `${BLAS_LIBRARIES_ENV}=none` };
  const candidates = value.split(platform === "win32" ? ";" : ":").map((entry) => entry.trim()).filter(Boolean);
  return { candidates, source: `${BLAS_LIBRARIES_ENV}` };
}

/**
 * Resolves a mode to a loaded BLAS (use it) or null (use the wasm GEMM). `auto` falls back silently.
 * @throws BlasUnavailableError for `blas` when no candidate loads, listing each library and why.
 */
export async function resolveGemm(mode: GemmMode, libraries: BlasCandidates, source: string): Promise<BlasGemm | null> {
  if (mode === "wasm") return null;
  const { blas, tried } = await findBlas(libraries.candidates);
  if (blas || mode === "auto") return blas;
  const platform = typeof process === "undefined" ? "browser" : process.platform;
  const attempts = tried.length ? `tried ${tried.map((t) => `${t.library} (${t.reason})`).join(", ")}` : `no library was tried (${libraries.source} lists none)`;
  throw new BlasUnavailableError(
    `wasm backend: the BLAS GEMM was requested (${source}) but no BLAS library could be loaded; ${attempts}. ` +
      `Install one (${blasInstallHint(platform)}), name yours with the blasLibraries option or ${BLAS_LIBRARIES_ENV}, or use gemm "wasm" / "auto"`,
  );
}
