import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { builtinsPreloadReport, type KoffiLibrary } from "./koffi-loader.js";

/** Folder for compiled kernels; default `$XDG_CACHE_HOME/adaptive-sparse/cuda` (or `~/.cache/...`). */
export const CUDA_CACHE_ENV = "ADAPTIVE_SPARSE_CUDA_CACHE";

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env[CUDA_CACHE_ENV] || join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "adaptive-sparse", "cuda");
}

/** Thrown when NVRTC rejects a kernel: carries the kernel's name and NVRTC's compile log. */
export class NvrtcError extends Error {
  constructor(readonly kernel: string, readonly log: string, status: string) {
    super(`backend-cuda: NVRTC could not compile kernel "${kernel}" (${status}):\n${log.trim()}`);
    this.name = "NvrtcError";
  }
}

export interface Nvrtc {
  readonly path: string;
  readonly version: [number, number];
  /** The GPU architectures this NVRTC can target (e.g. 75, 80, 90). */
  readonly archs: readonly number[];
  /** Compiles one kernel source to a cubin for `sm_<arch>`; throws {@link NvrtcError} with the log on failure. */
  compile(source: string, name: string, arch: number): Uint8Array;
}

export function bindNvrtc(lib: KoffiLibrary, path: string): Nvrtc {
  const f = (signature: string) => lib.func(signature);
  const nvrtcVersion = f("int nvrtcVersion(_Out_ int *major, _Out_ int *minor)");
  const nvrtcGetErrorString = f("const char *nvrtcGetErrorString(int result)");
  const nvrtcGetNumSupportedArchs = f("int nvrtcGetNumSupportedArchs(_Out_ int *count)");
  const nvrtcGetSupportedArchs = f("int nvrtcGetSupportedArchs(int *archs)");
  const nvrtcCreateProgram = f("int nvrtcCreateProgram(_Out_ void **prog, const char *src, const char *name, int numHeaders, const char **headers, const char **includeNames)");
  const nvrtcCompileProgram = f("int nvrtcCompileProgram(void *prog, int numOptions, const char **options)");
  const nvrtcGetProgramLogSize = f("int nvrtcGetProgramLogSize(void *prog, _Out_ size_t *size)");
  const nvrtcGetProgramLog = f("int nvrtcGetProgramLog(void *prog, uint8_t *log)");
  const nvrtcGetCUBINSize = f("int nvrtcGetCUBINSize(void *prog, _Out_ size_t *size)");
  const nvrtcGetCUBIN = f("int nvrtcGetCUBIN(void *prog, uint8_t *cubin)");
  const nvrtcDestroyProgram = f("int nvrtcDestroyProgram(_Inout_ void **prog)");
  const status = (code: number) => `${nvrtcGetErrorString(code) as string} (${code})`;
  const check = (call: string, kernel: string, code: number) => {
    if (code !== 0) throw new NvrtcError(kernel, `${call} failed`, status(code));
  };
  const major = [0];
  const minor = [0];
  nvrtcVersion(major, minor);
  const count = [0];
  nvrtcGetNumSupportedArchs(count);
  const archList = new Int32Array(count[0]!);
  if (archList.length) nvrtcGetSupportedArchs(archList);
  return {
    path,
    version: [major[0]!, minor[0]!],
    archs: Array.from(archList),
    compile(source, name, arch) {
      const prog: unknown[] = [null];
      check("nvrtcCreateProgram", name, nvrtcCreateProgram(prog, source, `${name}.cu`, 0, null, null));
      try {
        const options = [`-arch=sm_${arch}`, "--std=c++17"];
        const result = nvrtcCompileProgram(prog[0], options.length, options);
        if (result !== 0) {
          const size = [0];
          nvrtcGetProgramLogSize(prog[0], size);
          const log = Buffer.alloc(Number(size[0]) + 1);
          nvrtcGetProgramLog(prog[0], log);
          const text = log.toString("utf8", 0, Math.max(0, log.indexOf(0)));
          // A missing builtins library is this process's loading, not the kernel: say what was tried.
          throw new NvrtcError(name, text.includes("libnvrtc-builtins") ? `${text.trim()}\n(${builtinsPreloadReport()})` : text, status(result));
        }
        const size = [0];
        check("nvrtcGetCUBINSize", name, nvrtcGetCUBINSize(prog[0], size));
        const cubin = new Uint8Array(Number(size[0]));
        check("nvrtcGetCUBIN", name, nvrtcGetCUBIN(prog[0], cubin));
        return cubin;
      } finally {
        nvrtcDestroyProgram(prog);
      }
    },
  };
}

/** The architecture to compile for: the device's, or the newest this NVRTC knows below it. */
export function targetArch(nvrtc: Pick<Nvrtc, "archs">, major: number, minor: number): number {
  const device = major * 10 + minor;
  if (!nvrtc.archs.length || nvrtc.archs.includes(device)) return device;
  const below = nvrtc.archs.filter((arch) => arch <= device);
  if (!below.length) throw new Error(`backend-cuda: this NVRTC targets sm_${nvrtc.archs.join(", sm_")}, none at or below the GPU's sm_${device}; install an NVRTC that supports it`);
  return Math.max(...below);
}

/** Cache file name: kernel name, hash of the source, architecture and NVRTC version. */
export function cubinCacheKey(source: string, name: string, arch: number, version: readonly [number, number]): string {
  const hash = createHash("sha256").update(source).digest("hex").slice(0, 20);
  return `${name.replace(/[^A-Za-z0-9_]/g, "_").slice(0, 60)}-${hash}-sm_${arch}-nvrtc${version[0]}.${version[1]}.cubin`;
}

/** Compiles through the disk cache: a hit skips NVRTC; a cache that cannot be written is ignored. */
export function compileCached(nvrtc: Nvrtc, source: string, name: string, arch: number, cacheDir: string | null): Uint8Array {
  const file = cacheDir ? join(cacheDir, cubinCacheKey(source, name, arch, nvrtc.version)) : null;
  if (file) {
    try {
      return new Uint8Array(readFileSync(file));
    } catch {
      // not cached yet
    }
  }
  const cubin = nvrtc.compile(source, name, arch);
  if (file && cacheDir) {
    try {
      mkdirSync(cacheDir, { recursive: true });
      const temporary = `${file}.${process.pid}.tmp`;
      writeFileSync(temporary, cubin);
      renameSync(temporary, file);
    } catch {
      // a read-only home still runs, only without the cache
    }
  }
  return cubin;
}
