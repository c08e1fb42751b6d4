/**
 * A new npm project that installs our packages by name from the local registry of packed tarballs
 * (local-registry.mjs) and third-party ones from the real registry or npm's cache.
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Whether the npm registry answers within 5 s (third-party dependencies come from it or npm's cache). */
export async function registryReachable() {
  const registry = execFileSync("npm", ["config", "get", "registry"], { encoding: "utf8" }).trim().replace(/\/$/, "");
  try {
    const response = await globalThis.fetch(`${registry}/zod`, { method: "HEAD", signal: globalThis.AbortSignal.timeout(5000) });
    return { ok: response.ok, registry, reason: response.ok ? "" : `HTTP ${response.status}` };
  } catch (error) {
    return { ok: false, registry, reason: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Creates `dir` as a project depending on `dependencies` (name -> range), with @adaptive-sparse/* taken from
 * `localRegistry`, and runs `npm install` (asynchronously: the registry answers from this process). Returns
 * the lock's entries for our packages (path, integrity, version).
 */
export async function installProject(dir, dependencies, localRegistry) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "stranger", private: true, type: "module", dependencies }, null, 2));
  writeFileSync(join(dir, ".npmrc"), `@adaptive-sparse:registry=${localRegistry}\n`);
  await run("npm", ["install", "--ignore-scripts", "--no-audit", "--no-fund", "--prefer-offline", "--fetch-retries=0"], { cwd: dir, timeout: 200_000 });
  const lock = JSON.parse(readFileSync(join(dir, "package-lock.json"), "utf8"));
  return Object.entries(lock.packages).filter(([path]) => path.includes("node_modules/@adaptive-sparse/")).map(([path, entry]) => ({ path, integrity: entry.integrity, version: entry.version }));
}

/** Bytes of every file under `dir` (not following links), as `du --apparent-size -b` counts them. */
export function treeBytes(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += treeBytes(path);
    else total += lstatSync(path).size;
  }
  return total;
}

/** Every package on disk, nested ones too, by name (scoped ones as @scope/name), from the lock. */
export function installedPackages(dir) {
  const lock = JSON.parse(readFileSync(join(dir, "package-lock.json"), "utf8"));
  // The lock also lists optional packages for other platforms (koffi's per-OS binaries) that npm skipped.
  return Object.keys(lock.packages)
    .filter((p) => p && existsSync(join(dir, p)))
    .map((p) => p.slice(p.lastIndexOf("node_modules/") + "node_modules/".length));
}
