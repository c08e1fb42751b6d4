import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const runSh = fileURLToPath(new URL("../scripts/gpu-run.sh", import.meta.url));
const root = mkdtempSync(join(tmpdir(), "gpu-run-icd-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs run.sh's ICD choice alone against fake folders: `usr` and `nvidia` hold manifests, `etc` is missing. */
function pickIcd(layout: { usr?: boolean; nvidia?: boolean; driver?: boolean }, name: string): string {
  const base = join(root, name);
  const [usr, etc, nvidia, lib] = ["usr/share/vulkan/icd.d", "etc/vulkan/icd.d", "nvidia/share/vulkan/icd.d", "nvidia/lib64"].map((p) => join(base, p));
  for (const dir of [usr, nvidia, lib]) mkdirSync(dir, { recursive: true });
  writeFileSync(join(usr, "lvp_icd.json"), "{}"); // another vendor's manifest is not the NVIDIA one
  if (layout.usr) writeFileSync(join(usr, "nvidia_icd.json"), "{}");
  if (layout.nvidia) writeFileSync(join(nvidia, "nvidia_icd.json"), "{}");
  if (layout.driver) writeFileSync(join(lib, "libGLX_nvidia.so.0"), "");
  const env = { PATH: "/usr/bin:/bin", GPU_CHECK_ICD_DIRS: `${usr} ${etc} ${nvidia}`, GPU_CHECK_DRIVER_DIRS: lib };
  return execFileSync("bash", [runSh, "--print-icd"], { env, encoding: "utf8" });
}

describe("run.sh Vulkan manifest choice", () => {
  it("uses a manifest in /usr/share/vulkan/icd.d although /etc/vulkan/icd.d is missing", () => {
    const out = pickIcd({ usr: true, nvidia: true, driver: true }, "usr");
    expect(out).toMatch(/using the installed NVIDIA Vulkan manifest \S+\/usr\/share\/vulkan\/icd.d\/nvidia_icd.json/);
    expect(out).toMatch(/VK_DRIVER_FILES=\S+\/usr\/share\/vulkan\/icd.d\/nvidia_icd.json/);
  });

  it("finds the manifest under /usr/local/nvidia/share/vulkan/icd.d when it is only there", () => {
    const out = pickIcd({ nvidia: true, driver: true }, "nvidia");
    expect(out).toMatch(/VK_DRIVER_FILES=\S+\/nvidia\/share\/vulkan\/icd.d\/nvidia_icd.json/);
    expect(out).not.toContain("wrote one");
  });

  it("writes a manifest for the driver library only when no folder has one", () => {
    const out = pickIcd({ driver: true }, "none");
    expect(out).toMatch(/no NVIDIA Vulkan manifest installed .*; wrote one for the driver library \S+\/nvidia\/lib64\/libGLX_nvidia.so.0/);
    expect(out).toMatch(/VK_DRIVER_FILES=\/\S+\/nvidia_icd.json\n/);
  });

  it("says what it looked for when there is neither a manifest nor a driver", () => {
    const out = pickIcd({}, "bare");
    expect(out).toContain("gpu-check: no NVIDIA Vulkan driver here (no nvidia_icd.json under ");
    expect(out).toContain("In a container the NVIDIA runtime mounts it only when NVIDIA_DRIVER_CAPABILITIES includes graphics (or is all).");
    expect(out).toContain("VK_DRIVER_FILES=\n");
  });

  it("refuses an unknown --only choice before unpacking anything", () => {
    let message = "";
    try {
      execFileSync("bash", [runSh, "--only", "rocm"], { env: { PATH: "/usr/bin:/bin" }, encoding: "utf8" });
    } catch (error) {
      message = String((error as { stdout?: string }).stdout);
    }
    expect(message).toBe("run.sh: --only takes webgpu or cuda, got 'rocm'\n");
  });
});
