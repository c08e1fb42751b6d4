import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

describe("src/generated/kernels-wasm.ts", () => {
  it("is what assembly/*.ts compiles to today (run `npm run build:wasm` after editing assembly/)", () => {
    // The file records a hash of every input (sources, build script, asc version); one variant is also
    // recompiled and compared byte for byte. `npm run check:wasm` rebuilds all four.
    const output = execFileSync(process.execPath, [join(root, "scripts/build-wasm.mjs"), "--check-quick"], { cwd: root, encoding: "utf8" });
    expect(output).toMatch(/up to date/);
  }, 60_000);
});
