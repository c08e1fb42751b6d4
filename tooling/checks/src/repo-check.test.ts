import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
// @ts-expect-error plain .mjs script without types
import { checkRepo } from "./repo-check.mjs";

const repoRoot = join(import.meta.dirname, "../../..");
const made: string[] = [];

function fakePackage(root: string, name: string, deps: Record<string, string> = {}, skip: string[] = []) {
  const dir = join(root, "packages", name);
  mkdirSync(join(dir, "src"), { recursive: true });
  const files: Record<string, string> = {
    "package.json": JSON.stringify({ name: `@adaptive-sparse/${name}`, dependencies: deps }),
    "README.md": `# ${name}`,
    "tsconfig.json": "{}",
    "tsup.config.ts": "",
    "src/index.ts": "export {};",
  };
  for (const [file, text] of Object.entries(files)) if (!skip.includes(file)) writeFileSync(join(dir, file), text);
}

function fakeRepo() {
  const root = mkdtempSync(join(tmpdir(), "repo-check-"));
  made.push(root);
  fakePackage(root, "core");
  fakePackage(root, "nn", { "@adaptive-sparse/core": "*" });
  fakePackage(root, "io", { "@adaptive-sparse/core": "*", "@adaptive-sparse/nn": "*" });
  return root;
}

afterEach(() => made.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe("repo check", () => {
  it("passes on this repository", () => {
    expect(checkRepo(repoRoot)).toEqual([]);
  });

  it("passes on a well-formed fake repository", () => {
    expect(checkRepo(fakeRepo())).toEqual([]);
  });

  it("fails on a planted dependency cycle", () => {
    const root = fakeRepo();
    fakePackage(root, "nn", { "@adaptive-sparse/core": "*", "@adaptive-sparse/io": "*" });
    const problems = checkRepo(root);
    expect(problems.some((p: string) => /^dependency cycle: (nn -> io -> nn|io -> nn -> io)$/.test(p))).toBe(true);
    expect(problems.some((p: string) => p.includes("packages/nn: runtime dependency on @adaptive-sparse/io"))).toBe(true);
  });

  it("fails on a package missing its README", () => {
    const root = fakeRepo();
    fakePackage(root, "masks", { "@adaptive-sparse/core": "*" }, ["README.md"]);
    expect(checkRepo(root)).toEqual(["packages/masks: missing README.md (every package has package.json, README.md, tsconfig.json, tsup.config.ts, src/index.ts)"]);
  });

  it("fails when something depends on an app or core grows past its budget", () => {
    const root = fakeRepo();
    mkdirSync(join(root, "apps/example"), { recursive: true });
    writeFileSync(join(root, "apps/example/package.json"), JSON.stringify({ name: "@adaptive-sparse/example" }));
    writeFileSync(join(root, "apps/example/README.md"), "# example");
    fakePackage(root, "masks", { "@adaptive-sparse/core": "*", "@adaptive-sparse/example": "*" });
    writeFileSync(join(root, "packages/core/README.md"), "Line budget: 2");
    cpSync(join(root, "packages/core/src/index.ts"), join(root, "packages/core/src/more.ts"));
    writeFileSync(join(root, "packages/core/src/big.ts"), "a\nb\nc\n");
    const problems = checkRepo(root);
    expect(problems).toContain("packages/masks: depends on the app example; nothing may depend on apps/");
    expect(problems.some((p: string) => p.includes("over the budget of 2"))).toBe(true);
  });
  it("fails when trainer, eval or cli import a concrete model class or a GPT-only loader (issue 12, acceptance 5)", () => {
    const root = fakeRepo();
    writeFileSync(join(root, "packages/nn/src/gpt.ts"), "export class GPT extends Module<[Tensor], Out> implements CausalLM {}\nexport class Helper {}\n");
    fakePackage(root, "trainer", { "@adaptive-sparse/core": "*", "@adaptive-sparse/nn": "*", "@adaptive-sparse/io": "*" });
    const src = join(root, "packages/trainer/src");
    writeFileSync(join(src, "index.ts"), 'export { train } from "./train.js";\n');
    writeFileSync(join(src, "train.ts"), 'import { sparsify, type GPT } from "@adaptive-sparse/nn";\nimport { Helper, type CausalLM } from "@adaptive-sparse/nn";\nimport { loadGpt2 as load } from "@adaptive-sparse/io";\n');
    // Test support that index.ts never reaches may build a concrete model.
    writeFileSync(join(src, "test-helpers.ts"), 'import { GPT } from "@adaptive-sparse/nn";\n');
    expect(checkRepo(root)).toEqual([
      "packages/trainer/src/train.ts: imports the concrete model class GPT from @adaptive-sparse/nn; trainer must work with every model family: use nn's CausalLM interface and io's loadModel/saveModel/createModel (only io's family table names model classes)",
      "packages/trainer/src/train.ts: imports the GPT-only loader loadGpt2 from @adaptive-sparse/io; trainer must work with every model family: use nn's CausalLM interface and io's loadModel/saveModel/createModel (only io's family table names model classes)",
    ]);
  });
  it("fails when docs/method.md drifts from the shared spec next to the checkout", () => {
    const outer = fakeRepo();
    const root = join(outer, "repo");
    cpSync(join(outer, "packages"), join(root, "packages"), { recursive: true });
    mkdirSync(join(root, "docs"));
    mkdirSync(join(outer, "shared/docs"), { recursive: true });
    writeFileSync(join(outer, "shared/docs/method.md"), "# spec v2\n");
    writeFileSync(join(root, "docs/method.md"), "# spec v2\n");
    expect(checkRepo(root)).toEqual([]);
    writeFileSync(join(root, "docs/method.md"), "# spec v1\n");
    expect(checkRepo(root)).toEqual(["docs/method.md differs from ../shared/docs/method.md; copy the shared spec over it (cp ../shared/docs/method.md docs/method.md)"]);
  });
});
