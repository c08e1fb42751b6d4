import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { hasAdapter } from "./test-device.js";

const scripts = fileURLToPath(new URL("../scripts", import.meta.url));
const PACKED_LIBS = ["libvulkan.so.1", "libGLdispatch.so.0", "libGLX.so.0", "libEGL.so.1", "libGL.so.1", "libOpenGL.so.0", "libGLESv2.so.2"];
const loaderInstalled = PACKED_LIBS.every((name) => existsSync(`/usr/lib/x86_64-linux-gnu/${name}`));
const x64 = process.arch === "x64";
if (!loaderInstalled) console.log("gpu pack test skipped: packing needs Debian's Vulkan loader and GLVND (apt-get install libvulkan1 libglvnd0 libglx0 libegl1 libgl1 libopengl0 libgles2)");
if (!x64) console.log(`gpu pack test skipped: the pack is for Linux x86-64 machines, this is ${process.arch}`);

// The bare-machine GPU check, end to end on lavapipe: pack (Node from the npm registry, the bundle, Dawn, the
// Vulkan loader, GLVND), then run the pack's launcher in a bare environment, as on the H200 machines. A stand-in
// CUDA check (it loads koffi from the pack and calls libc) proves the second bundle and koffi's addon travel.
const FAKE_CUDA_CHECK = `const koffi = (await import("koffi")).default;
const getpid = koffi.load("libc.so.6").func("int getpid()");
console.log("stand-in cuda check: koffi " + koffi.version + ", getpid() " + (getpid() === process.pid ? "matches" : "differs") + ", args " + process.argv.slice(2).join(" "));
`;
describe.runIf(loaderInstalled && x64 && (await hasAdapter()))("gpu pack", () => {
  it("packs within 64 MiB and its run.sh passes every check with the packed Node", () => {
    const out = mkdtempSync(join(tmpdir(), "gpu-pack-test-"));
    try {
      const entry = join(out, "..", `${out.split("/").pop()}-cuda-entry.ts`);
      writeFileSync(entry, FAKE_CUDA_CHECK);
      execFileSync(process.execPath, [join(scripts, "gpu-pack.mjs"), out], { stdio: "pipe", env: { ...process.env, GPU_PACK_CUDA_ENTRY: entry } });
      rmSync(entry);
      const bytes = statSync(join(out, "payload.tar.gz")).size;
      expect(bytes).toBeLessThan(64 * 2 ** 20);
      // run.sh starts the packed Node by its path; the environment is as bare as the GPU machine's.
      const env = { HOME: process.env.HOME ?? "/tmp", PATH: "/usr/bin:/bin" };
      const output = execFileSync("bash", [join(out, "run.sh"), "--small", "--allow-software"], { env, encoding: "utf8", stdio: "pipe" });
      expect(output).toMatch(/\| conformance fixtures \| (\d+) passed, 0 failed \|/);
      expect(output).toContain("| GPT-2-sized ops vs cpu | 9 of 9 agree |");
      expect(output).toMatch(/\| GEMM 256³ f32 \| [\d.e+-]+ TFLOP\/s \([\d.]+ ms, GPU timestamps; wall [\d.e+-]+\) \|/);
      expect(output).toMatch(/\| GPT training step, V256 d64 L2 H2, 4×32 \| \d+ tokens\/s/);
      // Issue 14's rows: split-K by the rule and forced off, the embedding gradient's scatter-add, f16 operands (lavapipe has shader-f16).
      expect(output).toMatch(/\| GEMM LM-head dx 128×64×4096, split-K by rule \| [\d.e+-]+ TFLOP\/s/);
      expect(output).toMatch(/\| GEMM Linear dW 64×64×2048 Aᵀ, split-K off \| [\d.e+-]+ TFLOP\/s/);
      expect(output).toMatch(/\| scatter-add \[256, 96\] into 500 rows \(25% one token\) \| [\d.]+ ms/);
      expect(output).toMatch(/\| GEMM 256³ f32, f16 operands \| [\d.e+-]+ TFLOP\/s/);
      expect(output).toContain("gpu check: all passed");
      expect(output).toMatch(/=== webgpu check: exit code 0[^]*=== cuda check \(timeout 260 s\)/);
      expect(output).toContain("stand-in cuda check: koffi 3.3.4, getpid() matches, args --small --allow-software");
      expect(output).toContain("=== cuda check: exit code 0");
      // Here there is no NVIDIA driver at all, so the launcher says what it looked for and why it may be missing.
      const nvidia = ["/usr/share/vulkan/icd.d", "/etc/vulkan/icd.d"].some((dir) => existsSync(join(dir, "nvidia_icd.json"))) || existsSync("/usr/lib/x86_64-linux-gnu/libGLX_nvidia.so.0");
      if (!nvidia) {
        expect(output).toContain(
          "gpu-check: no NVIDIA Vulkan driver here (no nvidia_icd.json under /usr/share/vulkan/icd.d /etc/vulkan/icd.d /usr/local/nvidia/share/vulkan/icd.d, no libGLX_nvidia.so.0 in /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/local/nvidia/lib64). In a container the NVIDIA runtime mounts it only when NVIDIA_DRIVER_CAPABILITIES includes graphics (or is all). GPU seen by the driver: nvidia-smi unavailable",
        );
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 180_000);
});
