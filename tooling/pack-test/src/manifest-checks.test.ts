import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error plain .mjs helpers without types
import { manifestProblems, staleBuilds } from "./pack.mjs";
// @ts-expect-error plain .mjs helpers without types
import { codeBlocks, snippet } from "./readme-snippets.mjs";

// The checks the pack test applies to every tarball, on hand-made manifests (no packing, no network).
const good = {
  name: "@adaptive-sparse/x",
  version: "0.3.0",
  main: "./dist/index.js",
  types: "./dist/index.d.ts",
  exports: { ".": { types: "./dist/index.d.ts", "@adaptive-sparse/source": "./src/index.ts", import: "./dist/index.js" }, "./package.json": "./package.json" },
  dependencies: { "@adaptive-sparse/core": "^0.3.0", yaml: "2.9.1" },
  peerDependencies: { zod: "^4.6.7" },
  repository: { type: "git", url: "git+https://github.com/adaptive-sparse/adaptive-sparse.git", directory: "packages/x" },
  homepage: "https://github.com/adaptive-sparse/adaptive-sparse/tree/main/packages/x#readme",
  bugs: { url: "https://github.com/adaptive-sparse/adaptive-sparse/issues" },
};
const files = ["package.json", "LICENSE", "README.md", "dist/index.js", "dist/index.d.ts", "src/index.ts", "src/report/README.md"].map((path) => ({ path }));

describe("manifestProblems", () => {
  it("accepts a complete manifest and links to packed files, folders, anchors and URLs", () => {
    const readme = "[a](src/report/README.md) [b](./src/) [c](#usage) [d](https://example.org/x.md)";
    expect(manifestProblems(good, files, readme)).toEqual([]);
  });

  it("names each problem", () => {
    const bad = {
      ...good,
      dependencies: { "@adaptive-sparse/core": "*", zod: "4.6.7" },
      peerDependencies: { "@adaptive-sparse/backend-webgpu": "^0.3.0" },
      repository: { type: "git", url: "x" },
      bin: { tool: "./bin/tool.js" },
    };
    const packed = files.filter((f) => f.path !== "src/index.ts" && f.path !== "LICENSE").concat({ path: "src/a.test.ts" });
    expect(manifestProblems(bad, packed, "see [method](../../docs/method.md)")).toEqual([
      'dependencies.@adaptive-sparse/core is "*", not "^0.3.0"',
      'peerDependencies.@adaptive-sparse/backend-webgpu is "^0.3.0", not ">=0.3.0 <1"',
      "exports names ./src/index.ts, which is not in the tarball",
      "bin ./bin/tool.js is not in the tarball",
      "no LICENSE file",
      "repository (with directory), homepage or bugs missing",
      "test files are packed",
      "zod is a dependency, not a peer",
      "README links to ../../docs/method.md, which is not in the package; link to the repository instead",
    ]);
  });
});

describe("README code blocks", () => {
  const markdown = "# T\n\n## One\n\n```sh\nls\n```\n\n## Two\n\n```ts\nconst a = 1;\n```\n\n```ts\nconst b = 2;\n```\n";

  it("keeps each block's heading and language", () => {
    expect(codeBlocks(markdown)).toEqual([
      { heading: "One", lang: "sh", code: "ls\n" },
      { heading: "Two", lang: "ts", code: "const a = 1;\n" },
      { heading: "Two", lang: "ts", code: "const b = 2;\n" },
    ]);
  });

  it("snippet() wants exactly one block under the heading", () => {
    expect(snippet(markdown, "One", "sh")).toBe("ls\n");
    expect(() => snippet(markdown, "Two", "ts")).toThrow('README: expected one ```ts block under "## Two", found 2');
    expect(() => snippet(markdown, "Three", "ts")).toThrow('README: expected one ```ts block under "## Three", found 0');
  });
});

describe("staleBuilds", () => {
  it("rebuilds only for a missing dist or a non-test source newer than it", () => {
    const root = mkdtempSync(join(tmpdir(), "pack-stale-"));
    try {
      const file = (path: string, seconds: number) => {
        mkdirSync(join(root, path, ".."), { recursive: true });
        writeFileSync(join(root, path), "");
        utimesSync(join(root, path), seconds, seconds);
      };
      file("packages/fresh/src/a.ts", 100);
      file("packages/fresh/src/a.test.ts", 300); // tests are not built
      file("packages/fresh/dist/index.js", 200);
      file("packages/stale/src/deep/b.ts", 300);
      file("packages/stale/dist/index.js", 200);
      file("packages/config/tsup.config.ts", 300);
      file("packages/config/dist/index.js", 200);
      file("packages/unbuilt/src/c.ts", 100);
      const packages = ["fresh", "stale", "config", "unbuilt"].map((name) => ({ folder: `packages/${name}`, name }));
      expect(staleBuilds(root, packages).map((p: { name: string }) => p.name)).toEqual(["stale", "config", "unbuilt"]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
