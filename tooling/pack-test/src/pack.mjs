/**
 * Building and packing the published packages (everything under packages/), as `npm publish` would see them.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** Names and folders of the packages under packages/ (all of them are published). */
export function publishedPackages(repoRoot) {
  return readdirSync(join(repoRoot, "packages"))
    .map((folder) => ({ folder: `packages/${folder}`, manifest: JSON.parse(readFileSync(join(repoRoot, "packages", folder, "package.json"), "utf8")) }))
    .filter(({ manifest }) => !manifest.private)
    .map(({ folder, manifest }) => ({ folder, name: manifest.name, version: manifest.version }));
}

/** Newest modification time (ms) of the files under `dir` that `keep` accepts; 0 for none. */
function newest(dir, keep) {
  if (!existsSync(dir)) return 0;
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(path, keep));
    else if (keep(path)) latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

/** Packages whose dist/index.js is missing or older than a non-test source file or their tsup config. */
export function staleBuilds(repoRoot, packages) {
  return packages.filter(({ folder }) => {
    const dir = join(repoRoot, folder);
    const built = join(dir, "dist/index.js");
    if (!existsSync(built)) return true;
    const sources = Math.max(newest(join(dir, "src"), (path) => !/\.test\.ts$/.test(path)), newest(dir, (path) => path.endsWith("tsup.config.ts")));
    return sources > statSync(built).mtimeMs;
  });
}

/**
 * Builds every published package with turbo when one is stale; a current build (CI runs `npm run build`
 * before `npm test`) is left alone, so tests that spawn the CLI's dist never see it rewritten mid-run.
 * Returns the names of the stale packages (empty when nothing was built).
 */
export function buildPackages(repoRoot) {
  const stale = staleBuilds(repoRoot, publishedPackages(repoRoot));
  if (stale.length === 0) return [];
  execFileSync("npx", ["turbo", "run", "build", "--filter=./packages/*", "--output-logs=errors-only"], { cwd: repoRoot, stdio: "pipe", timeout: 400_000 });
  return stale.map((p) => p.name);
}

/**
 * `npm pack` of every package into `destination`. Returns npm's report per package: name, version,
 * filename (in `destination`), files (paths inside the tarball) and unpackedSize.
 */
export function packAll(repoRoot, packages, destination) {
  const args = ["pack", "--json", "--ignore-scripts", "--pack-destination", destination, ...packages.flatMap((p) => ["-w", p.folder])];
  const out = execFileSync("npm", args, { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 });
  return JSON.parse(out.slice(out.indexOf("[")));
}

/**
 * Problems of one packed manifest: a `*` or non-caret range on our own runtime dependencies, exports targets not in
 * the tarball, no LICENSE, missing repository/homepage/bugs, README links to files the package lacks.
 */
export function manifestProblems(manifest, files, readme = "") {
  const problems = [];
  const inTarball = new Set(files.map((f) => f.path));
  for (const [name, range] of Object.entries(manifest.dependencies ?? {})) {
    if (name.startsWith("@adaptive-sparse/") && range !== `^${manifest.version}`) problems.push(`dependencies.${name} is "${range}", not "^${manifest.version}"`);
  }
  // The CLI's optional GPU backends: a range over the 0.x line (a caret would make changesets bump the CLI a major).
  for (const [name, range] of Object.entries(manifest.peerDependencies ?? {})) {
    if (name.startsWith("@adaptive-sparse/") && range !== `>=${manifest.version} <1`) problems.push(`peerDependencies.${name} is "${range}", not ">=${manifest.version} <1"`);
  }
  const targets = (value) => (typeof value === "string" ? [value] : Object.values(value ?? {}).flatMap(targets));
  for (const target of targets(manifest.exports)) if (!inTarball.has(target.replace(/^\.\//, ""))) problems.push(`exports names ${target}, which is not in the tarball`);
  for (const field of ["main", "types"]) if (manifest[field] && !inTarball.has(manifest[field].replace(/^\.\//, ""))) problems.push(`${field} ${manifest[field]} is not in the tarball`);
  for (const target of Object.values(manifest.bin ?? {})) if (!inTarball.has(target.replace(/^\.\//, ""))) problems.push(`bin ${target} is not in the tarball`);
  if (!inTarball.has("LICENSE")) problems.push("no LICENSE file");
  if (!manifest.repository?.directory || !manifest.homepage || !manifest.bugs?.url) problems.push("repository (with directory), homepage or bugs missing");
  if (files.some((f) => /\.test\.ts$/.test(f.path))) problems.push("test files are packed");
  if (manifest.dependencies?.zod) problems.push("zod is a dependency, not a peer");
  // On npm the README is shown without the repository around it: a relative link must name a packed file.
  for (const [, target] of readme.matchAll(/\]\(([^)#\s]+)[^)]*\)/g)) {
    if (/^[a-z]+:/i.test(target)) continue;
    if (!inTarball.has(target.replace(/^\.\//, "").replace(/\/$/, "")) && !files.some((f) => f.path.startsWith(target.replace(/^\.\//, "").replace(/\/?$/, "/")))) {
      problems.push(`README links to ${target}, which is not in the package; link to the repository instead`);
    }
  }
  return problems;
}
