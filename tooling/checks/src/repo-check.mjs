// Repository checks (see README). Exits 1 and lists every problem when one fails.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const SCOPE = "@adaptive-sparse/";
const REQUIRED_FILES = ["package.json", "README.md", "tsconfig.json", "tsup.config.ts", "src/index.ts"];
const BACKENDS = ["backend-wasm", "backend-webgpu", "backend-cuda", "backend-gpujs"];
const PLUGINS = ["nn", "optim", "masks", "schedulers", "distill", "data", "eval", ...BACKENDS];

/** Which internal packages each package may depend on at run time (architecture.md). */
function allowedDependencies(name, all) {
  if (name === "core") return [];
  if (PLUGINS.includes(name)) return ["core"];
  if (name === "io") return ["core", "nn"];
  if (name === "trainer") return all.filter((other) => !BACKENDS.includes(other) && !["trainer", "cli"].includes(other) && !other.startsWith("app:"));
  if (name === "cli") return all.filter((other) => other !== "cli" && !other.startsWith("app:"));
  if (name.startsWith("app:")) return all.filter((other) => other !== name);
  return ["core"]; // a new package starts as a plugin until the map says otherwise
}

function readPackages(root) {
  const packages = [];
  for (const folder of ["packages", "apps"]) {
    const dir = join(root, folder);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (!statSync(path).isDirectory()) continue;
      const manifestPath = join(path, "package.json");
      const manifest = existsSync(manifestPath) ? JSON.parse(readFileSync(manifestPath, "utf8")) : null;
      packages.push({ folder, entry, path, manifest, id: folder === "apps" ? `app:${entry}` : entry });
    }
  }
  return packages;
}

function internalDependencies(manifest, byName) {
  const deps = { ...manifest?.dependencies, ...manifest?.peerDependencies };
  return Object.keys(deps).filter((dep) => byName.has(dep)).map((dep) => byName.get(dep));
}

function findCycle(graph) {
  const state = new Map();
  const stack = [];
  const visit = (node) => {
    state.set(node, "open");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === "open") return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const cycle = visit(next);
        if (cycle) return cycle;
      }
    }
    stack.pop();
    state.set(node, "done");
    return null;
  };
  for (const node of graph.keys()) {
    if (!state.has(node)) {
      const cycle = visit(node);
      if (cycle) return cycle;
    }
  }
  return null;
}

function countLines(dir) {
  let lines = 0;
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) lines += countLines(path);
    else if (entry.endsWith(".ts") && !entry.endsWith(".test.ts") && !entry.endsWith(".test-d.ts")) {
      lines += readFileSync(path, "utf8").split("\n").filter((line) => line.trim() !== "").length;
    }
  }
  return lines;
}

// Packages that must work with any model family: they depend on nn's CausalLM interface, never on a model class.
const MODEL_AGNOSTIC = ["trainer", "eval", "cli"];
// io's loaders that return one concrete class (thin aliases kept for scripts); the agnostic packages use loadModel/saveModel.
const CONCRETE_LOADERS = ["loadGpt2", "saveGpt2"];

function sourceFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return entry.endsWith(".ts") && !entry.endsWith(".test.ts") && !entry.endsWith(".d.ts") ? [path] : [];
  });
}

/** The model classes: nn classes declared `implements CausalLM` (GPT today; each family adds its own). */
function concreteModelClasses(root) {
  const names = new Set();
  for (const file of sourceFiles(join(root, "packages/nn/src"))) {
    for (const match of readFileSync(file, "utf8").matchAll(/export\s+(?:abstract\s+)?class\s+(\w+)[^{]*\bimplements\b[^{]*\bCausalLM\b/g)) names.add(match[1]);
  }
  return names;
}

/** Non-test files a package publishes: src/index.ts and every file it imports, transitively (relative imports). */
function publishedFiles(pkgPath) {
  const entry = join(pkgPath, "src/index.ts");
  const seen = new Set();
  const queue = existsSync(entry) ? [entry] : [];
  while (queue.length) {
    const file = queue.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    for (const match of readFileSync(file, "utf8").matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)) {
      const target = join(file, "..", match[1].replace(/\.js$/, ".ts"));
      if (existsSync(target) && statSync(target).isFile()) queue.push(target);
      else if (existsSync(join(target.replace(/\.ts$/, ""), "index.ts"))) queue.push(join(target.replace(/\.ts$/, ""), "index.ts"));
    }
  }
  return [...seen];
}

/** Concrete model classes (or their loaders) imported by the model-agnostic packages (issue 12, acceptance 5). */
function modelClassImports(root, packages) {
  const forbidden = new Set([...concreteModelClasses(root), ...CONCRETE_LOADERS]);
  const problems = [];
  for (const pkg of packages.filter((p) => p.folder === "packages" && MODEL_AGNOSTIC.includes(p.entry))) {
    for (const file of publishedFiles(pkg.path)) {
      const text = readFileSync(file, "utf8");
      for (const match of text.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*"(@adaptive-sparse\/(?:nn|io))"/g)) {
        for (const spec of match[1].split(",")) {
          const name = spec.trim().replace(/^type\s+/, "").split(/\s+as\s+/)[0];
          if (!forbidden.has(name)) continue;
          const what = CONCRETE_LOADERS.includes(name) ? `the GPT-only loader ${name}` : `the concrete model class ${name}`;
          problems.push(
            `${relative(root, file)}: imports ${what} from ${match[2]}; ${pkg.entry} must work with every model family: ` +
              `use nn's CausalLM interface and io's loadModel/saveModel/createModel (only io's family table names model classes)`,
          );
        }
      }
    }
  }
  return problems;
}

/** Runs every check on the repository at `root`; returns the problems found (empty when all pass). */
export function checkRepo(root) {
  const problems = [];
  const packages = readPackages(root);
  const byName = new Map(packages.filter((pkg) => pkg.manifest?.name).map((pkg) => [pkg.manifest.name, pkg.id]));
  const ids = packages.map((pkg) => pkg.id);

  for (const pkg of packages) {
    const where = relative(root, pkg.path);
    const required = pkg.folder === "packages" ? REQUIRED_FILES : ["package.json", "README.md"];
    for (const file of required) {
      if (!existsSync(join(pkg.path, file))) problems.push(`${where}: missing ${file} (every package has ${required.join(", ")})`);
    }
    if (pkg.folder === "packages" && pkg.manifest && pkg.manifest.name !== SCOPE + pkg.entry) {
      problems.push(`${where}: package.json name is "${pkg.manifest.name}", expected "${SCOPE}${pkg.entry}"`);
    }
  }

  const graph = new Map();
  for (const pkg of packages) {
    const deps = internalDependencies(pkg.manifest, byName);
    graph.set(pkg.id, deps);
    const allowed = allowedDependencies(pkg.id, ids);
    for (const dep of deps) {
      if (dep.startsWith("app:")) problems.push(`${relative(root, pkg.path)}: depends on the app ${dep.slice(4)}; nothing may depend on apps/`);
      else if (!allowed.includes(dep)) {
        problems.push(`${relative(root, pkg.path)}: runtime dependency on ${SCOPE}${dep} breaks the package map (allowed: ${allowed.join(", ") || "none"}); see architecture.md`);
      }
    }
  }
  const cycle = findCycle(graph);
  if (cycle) problems.push(`dependency cycle: ${cycle.join(" -> ")}`);

  problems.push(...modelClassImports(root, packages));

  // docs/method.md is the repository's copy of the project's method spec; where the shared original sits next
  // to the checkout, the copy must match it.
  const method = join(root, "docs/method.md");
  const shared = join(root, "../shared/docs/method.md");
  if (existsSync(method) && existsSync(shared) && readFileSync(method, "utf8") !== readFileSync(shared, "utf8")) {
    problems.push("docs/method.md differs from ../shared/docs/method.md; copy the shared spec over it (cp ../shared/docs/method.md docs/method.md)");
  }

  const coreSrc = join(root, "packages/core/src");
  const coreReadme = join(root, "packages/core/README.md");
  if (existsSync(coreSrc)) {
    const budget = Number(/Line budget: (\d+)/.exec(existsSync(coreReadme) ? readFileSync(coreReadme, "utf8") : "")?.[1] ?? 4000);
    const lines = countLines(coreSrc);
    if (lines > budget) problems.push(`packages/core/src has ${lines} non-test lines, over the budget of ${budget} (raise it in core's README with a reason)`);
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = process.argv[2] ?? process.cwd();
  const problems = checkRepo(root);
  if (problems.length) {
    console.error(`repo check: ${problems.length} problem(s)\n- ${problems.join("\n- ")}`);
    process.exit(1);
  }
  console.log("repo check: dependency direction, package files, model-agnostic imports and core line budget OK");
}
