import { existsSync, readdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";

/** PATH-style list of library files or folders to try before the usual places. */
export const CUDA_LIBRARIES_ENV = "ADAPTIVE_SPARSE_CUDA_LIBRARIES";

export type CudaLibraryKind = "driver" | "nvrtc" | "cublas";

/** One library the backend opens: how its files are named and how a user gets it. */
export interface CudaLibrarySpec {
  readonly kind: CudaLibraryKind;
  readonly title: string;
  /** File-name stem (`libnvrtc.so`); versioned files `stem.N` in a folder match too. */
  readonly stem: string;
  /** Names handed to the system loader last, newest first. */
  readonly loaderNames: readonly string[];
  readonly install: string;
}

export const CUDA_LIBRARIES: Record<CudaLibraryKind, CudaLibrarySpec> = {
  driver: {
    kind: "driver",
    title: "the CUDA driver",
    stem: "libcuda.so",
    loaderNames: ["libcuda.so.1", "libcuda.so"],
    install: "install the NVIDIA driver (it ships libcuda.so.1); in a container, run it with the NVIDIA container runtime (--gpus all)",
  },
  nvrtc: {
    kind: "nvrtc",
    title: "NVRTC (the CUDA runtime compiler)",
    stem: "libnvrtc.so",
    loaderNames: ["libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so"],
    install: "install the CUDA toolkit (NVIDIA's apt repository: apt install cuda-nvrtc-13-0), or `pip install nvidia-cuda-nvrtc`",
  },
  cublas: {
    kind: "cublas",
    title: "cuBLAS",
    stem: "libcublas.so",
    loaderNames: ["libcublas.so.13", "libcublas.so.12", "libcublas.so"],
    install: "install the CUDA toolkit (NVIDIA's apt repository: apt install libcublas-13-0), or `pip install nvidia-cublas`",
  },
};

/** CUDA toolkit and driver folders, in the order they are searched. */
export function toolkitFolders(env: NodeJS.ProcessEnv = process.env): string[] {
  const roots = [env.CUDA_HOME, env.CUDA_PATH, "/usr/local/cuda"].filter((root): root is string => !!root);
  const folders = roots.flatMap((root) => [join(root, "lib64"), join(root, "targets", "x86_64-linux", "lib"), join(root, "lib")]);
  folders.push("/usr/local/nvidia/lib64", "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib/wsl/lib");
  return [...new Set(folders)];
}

/** Python site-packages folders where pip's `nvidia-*` wheels put their libraries (`nvidia/<name>/lib`). */
export function pythonSiteFolders(env: NodeJS.ProcessEnv = process.env): string[] {
  const pyenv = env.PYENV_ROOT || join(homedir(), ".pyenv");
  const pyenvVersions = listDir(join(pyenv, "versions")).map((version) => join(pyenv, "versions", version));
  const prefixes = [env.VIRTUAL_ENV, env.CONDA_PREFIX, "/opt/torch/.venv", "/usr/local", "/usr", join(homedir(), ".local"), "/opt/conda", ...pyenvVersions];
  const sites: string[] = [];
  for (const prefix of prefixes) {
    if (!prefix) continue;
    const lib = join(prefix, "lib");
    for (const entry of listDir(lib)) {
      if (!/^python3(\.\d+)?$/.test(entry)) continue;
      for (const kind of ["site-packages", "dist-packages"]) sites.push(join(lib, entry, kind));
    }
  }
  return [...new Set(sites)].filter(isDir);
}

/** `site/nvidia/<package>/lib` for every pip NVIDIA wheel under the given site folders. */
export function pipNvidiaFolders(sites: readonly string[]): string[] {
  return sites.flatMap((site) => listDir(join(site, "nvidia")).map((name) => join(site, "nvidia", name, "lib"))).filter(isDir);
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The entries of the environment variable: each a library file or a folder. */
export function envEntries(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env[CUDA_LIBRARIES_ENV] ?? "").split(delimiter).map((entry) => entry.trim()).filter(Boolean);
}

/** Versioned files first by descending version: `stem.13` before `stem.12` before `stem`. */
function matchingFiles(dir: string, stem: string): string[] {
  const version = (name: string) => name.slice(stem.length + 1).split(".").map(Number);
  const matches = listDir(dir).filter((name) => name === stem || (name.startsWith(`${stem}.`) && /^[\d.]+$/.test(name.slice(stem.length + 1))));
  matches.sort((a, b) => {
    const [va, vb] = [version(a), version(b)];
    for (let i = 0; i < Math.max(va.length, vb.length); i++) if ((va[i] ?? -1) !== (vb[i] ?? -1)) return (vb[i] ?? -1) - (va[i] ?? -1);
    return 0;
  });
  return matches.map((name) => join(dir, name));
}

/** Where one library was looked for, and the paths (then loader names) to try, in order. */
export interface LibrarySearch {
  readonly spec: CudaLibrarySpec;
  readonly candidates: readonly string[];
  readonly folders: readonly string[];
}

export interface SearchPlaces {
  readonly env: readonly string[];
  readonly toolkit: readonly string[];
  readonly pip: readonly string[];
  readonly sites: readonly string[];
}

export function searchPlaces(env: NodeJS.ProcessEnv = process.env): SearchPlaces {
  const sites = pythonSiteFolders(env);
  return { env: envEntries(env), toolkit: toolkitFolders(env), pip: pipNvidiaFolders(sites), sites };
}

/** Candidates for `spec`: files named in the environment variable, its folders, toolkit folders, pip wheels, loader names. */
export function librarySearch(spec: CudaLibrarySpec, places: SearchPlaces): LibrarySearch {
  const candidates: string[] = [];
  const envFolders: string[] = [];
  for (const entry of places.env) {
    if (isDir(entry)) envFolders.push(entry);
    else if (entry.split("/").pop()!.startsWith(spec.stem) && existsSync(entry)) candidates.push(entry);
  }
  const folders = [...envFolders, ...places.toolkit, ...places.pip];
  for (const folder of folders) candidates.push(...matchingFiles(folder, spec.stem));
  candidates.push(...spec.loaderNames);
  return { spec, candidates: [...new Set(candidates)], folders };
}

/** A library that could not be opened, with every reason. */
export interface LibraryFailure {
  readonly search: LibrarySearch;
  readonly tried: readonly { candidate: string; reason: string }[];
}

/** The one message for every library that could not be opened: what, where it was looked for, how to install it. */
export function missingLibrariesMessage(failures: readonly LibraryFailure[], places: SearchPlaces): string {
  const lines = [`backend-cuda: ${failures.length === 1 ? "a CUDA library is" : `${failures.length} CUDA libraries are`} missing.`];
  for (const { search, tried } of failures) {
    const { spec } = search;
    lines.push(`- ${spec.title} (${spec.stem}*): not found.`);
    const envText = places.env.length ? places.env.join(delimiter) : "unset";
    lines.push(`  looked in: ${CUDA_LIBRARIES_ENV} (${envText}); toolkit folders ${places.toolkit.join(", ")}; pip wheels under ${places.sites.length ? places.sites.map((s) => join(s, "nvidia", "*", "lib")).join(", ") : "no Python site-packages found"}; the loader's names ${spec.loaderNames.join(", ")}.`);
    const loaded = tried.filter(({ candidate }) => candidate.includes("/"));
    for (const { candidate, reason } of loaded) lines.push(`  ${candidate}: ${reason}`);
    lines.push(`  to install: ${spec.install}; or name its file or folder in ${CUDA_LIBRARIES_ENV}.`);
  }
  return lines.join("\n");
}
