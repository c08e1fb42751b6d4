import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import {
  CUDA_LIBRARIES, librarySearch, missingLibrariesMessage, searchPlaces, type CudaLibraryKind, type LibraryFailure, type SearchPlaces,
} from "./libraries.js";

export type Koffi = typeof import("koffi");
export type KoffiLibrary = ReturnType<Koffi["load"]>;

let koffiModule: Koffi | null | undefined;
let koffiError = "";

/** koffi, or null where it cannot load (not Node, or its native module missing for this platform). */
export function loadKoffi(): Koffi | null {
  if (koffiModule !== undefined) return koffiModule;
  try {
    const require = createRequire(import.meta.url);
    koffiModule = require("koffi") as Koffi;
  } catch (error) {
    koffiModule = null;
    koffiError = error instanceof Error ? error.message.split("\n")[0]! : String(error);
  }
  return koffiModule;
}

/** A library opened by koffi and the file it came from. */
export interface OpenedLibrary {
  readonly kind: CudaLibraryKind;
  readonly path: string;
  readonly lib: KoffiLibrary;
}

/** Thrown when CUDA libraries are missing; the message names each library, where it was looked for and how to install it. */
export class CudaLibraryError extends Error {
  constructor(message: string, readonly missing: readonly CudaLibraryKind[]) {
    super(message);
    this.name = "CudaLibraryError";
  }
}

/** What preloading NVRTC's builtins did in this process (NVRTC's own "failed to open" error does not say). */
const builtinsPreload: string[] = [];

/** One line on the builtins preload, for an NVRTC error that could not open them. */
export function builtinsPreloadReport(): string {
  return builtinsPreload.length ? builtinsPreload.join("; ") : "no builtins were preloaded (NVRTC was found by its bare name)";
}

/**
 * NVRTC opens `libnvrtc-builtins.so.X.Y` by name at its first compile; pip's wheels and unregistered toolkit
 * folders are not on the loader's path, so load it from NVRTC's own folder first (the loader then reuses it).
 */
function preloadBuiltins(koffi: Koffi, nvrtcPath: string): void {
  if (!nvrtcPath.includes("/")) return;
  const folder = dirname(nvrtcPath);
  let names: string[];
  try {
    names = readdirSync(folder).filter((name) => /^libnvrtc-builtins\.so\.[\d.]+$/.test(name));
  } catch (error) {
    builtinsPreload.push(`could not list ${folder}: ${(error as Error).message}`);
    return;
  }
  if (!names.length) builtinsPreload.push(`no libnvrtc-builtins.so.* next to ${nvrtcPath}`);
  for (const name of names) {
    try {
      koffi.load(join(folder, name));
      builtinsPreload.push(`preloaded ${join(folder, name)}`);
    } catch (error) {
      builtinsPreload.push(`preloading ${join(folder, name)} failed: ${(error as Error).message.split("\n")[0]}`);
    }
  }
}


const opened = new Map<CudaLibraryKind, OpenedLibrary>();

/** Tries each candidate of one library; the first that loads wins (cached per process). */
function openOne(koffi: Koffi, kind: CudaLibraryKind, places: SearchPlaces): OpenedLibrary | LibraryFailure {
  const cached = opened.get(kind);
  if (cached) return cached;
  const search = librarySearch(CUDA_LIBRARIES[kind], places);
  const tried: { candidate: string; reason: string }[] = [];
  for (const candidate of search.candidates) {
    try {
      const library = { kind, path: candidate, lib: koffi.load(candidate) };
      if (kind === "nvrtc") preloadBuiltins(koffi, candidate);
      opened.set(kind, library);
      return library;
    } catch (error) {
      tried.push({ candidate, reason: error instanceof Error ? error.message.split("\n")[0]! : String(error) });
    }
  }
  return { search, tried };
}

/**
 * Opens every library in `kinds` or throws one {@link CudaLibraryError} naming each missing one.
 * `places` defaults to the environment variable, the toolkit folders and pip's wheels.
 */
export function openLibraries(kinds: readonly CudaLibraryKind[], places: SearchPlaces = searchPlaces()): Record<CudaLibraryKind, OpenedLibrary> {
  const koffi = loadKoffi();
  if (!koffi) throw new CudaLibraryError(`backend-cuda: koffi could not be loaded (${koffiError}); it needs Node.js on a platform with koffi's prebuilt module: npm install koffi`, [...kinds]);
  const result = {} as Record<CudaLibraryKind, OpenedLibrary>;
  const failures: LibraryFailure[] = [];
  for (const kind of kinds) {
    const outcome = openOne(koffi, kind, places);
    if ("lib" in outcome) result[kind] = outcome;
    else failures.push(outcome);
  }
  if (failures.length) throw new CudaLibraryError(missingLibrariesMessage(failures, places), failures.map((f) => f.search.spec.kind));
  return result;
}

/** Whether the driver library opens here (no GPU call is made). */
export function hasCudaDriver(): boolean {
  try {
    openLibraries(["driver"]);
    return true;
  } catch {
    return false;
  }
}
