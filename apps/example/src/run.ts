/**
 * The example run: loads the embedded teacher (or pretrains it with --pretrain), prunes it to 2:4 with
 * AST-Boosted, AST-Naive, the baselines and the paper's ablations on a retraining corpus, evaluates every
 * result on held-out data (perplexity, its ratio to the teacher's, KL to the teacher), prints the comparison table and writes runs/<timestamp>/ (metrics.jsonl, results.json, masks.json,
 * exported models, report.html).
 */
import { mkdirSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { exportCompressed24, loadModelFolder, pretrain, progressReporter, saveModelFolder, useBackend, writeReport } from "@adaptive-sparse/cli";
import { tensor, tidy } from "@adaptive-sparse/core";
import { createWindowSampler } from "@adaptive-sparse/data";
import { evaluatePerplexity, evaluateTeacherKL } from "@adaptive-sparse/eval";
import { writeFileAtomic } from "@adaptive-sparse/io";
import { jsonlLogger, train, type TrainerEvent } from "@adaptive-sparse/trainer";
import { loadExampleData } from "./data.js";
import { methodSpec } from "./methods.js";
import { aggregate, formatTable, maskSlices, type RunOutcome } from "./results.js";
import { loadExampleSettings } from "./settings.js";

const here = dirname(dirname(fileURLToPath(import.meta.url)));

const USAGE = "npm run example [-- --quick] [--pretrain] [--set key=value]... [--out folder] [--backend wasm|cpu|webgpu|gpujs|cuda]";

export interface ExampleArgs {
  quick: boolean;
  pretrain: boolean;
  set: string[];
  out?: string;
  backend?: string;
  /** Print progress bars and per-run lines (default true). */
  verbose?: boolean;
}

export function parseArgs(argv: readonly string[]): ExampleArgs {
  const args: ExampleArgs = { quick: false, pretrain: false, set: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    // A flag that takes a value: the next argument, which must be there and not be another flag.
    const value = () => {
      const next = argv[++i];
      if (next === undefined || next.startsWith("--")) throw new Error(`${arg} needs a value (${USAGE})`);
      return next;
    };
    if (arg === "--quick") args.quick = true;
    else if (arg === "--pretrain") args.pretrain = true;
    else if (arg === "--set") args.set.push(value());
    else if (arg === "--out") args.out = value();
    else if (arg === "--backend") args.backend = value();
    else if (arg === "--help") {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument "${arg}"; run with --help`);
  }
  return args;
}

/**
 * The arguments of a script built on the example (the sweep, the one-shot distance): --set and --backend;
 * the others do not apply to it.
 * @throws Error naming an argument the script does not take.
 */
export function parseScriptArgs(script: string, argv: readonly string[]): Pick<ExampleArgs, "set" | "backend"> {
  const { quick, pretrain, out, set, backend } = parseArgs(argv);
  const unused = [quick && "--quick", pretrain && "--pretrain", out !== undefined && "--out"].filter(Boolean);
  if (unused.length) throw new Error(`${script} takes only --set key=value (applied to every run) and --backend; not ${unused.join(", ")}`);
  return { set, backend };
}

/** Runs the whole comparison and writes the run folder; resolves to the folder and the result rows. */
export async function runExample(args: ExampleArgs) {
  const say = args.verbose === false ? () => {} : (text: string) => console.log(text);
  const settings = await loadExampleSettings(join(here, "config.yaml"), args.quick, args.set);
  const backend = await useBackend(args.backend);
  const started = performance.now();
  const out = resolve(args.out ?? join("runs", new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19)));
  mkdirSync(out, { recursive: true });
  let teacherFolder = resolve(here, settings.teacher);
  if (args.pretrain) {
    teacherFolder = join(out, "teacher");
    await pretrain({ config: join(here, "teacher", "pretrain.yaml"), out: teacherFolder, backend: args.backend });
  }
  // Every model, batch and evaluation is placed on `backend` explicitly (core's default backend is not used).
  const { model: teacher, tokenizer } = await loadModelFolder(teacherFolder, undefined, { backend });
  const blockSize = teacher.config.blockSize;
  const { retrain, validation } = await loadExampleData(settings, tokenizer, blockSize);
  const sets = Object.keys(validation);
  say(`example: teacher ${teacherFolder} (${teacher.numParameters()} parameters), backend ${backend.name}, ${cpus().length} cores; retraining on ${settings.retrain} (${retrain.length} tokens), ${settings.steps} steps × ${settings.batchSize}×${blockSize} tokens; output ${out}`);

  const metrics = jsonlLogger(join(out, "metrics.jsonl"));
  const outcomes: RunOutcome[] = [];
  const evalOptions = { batchSize: 8, maxWindows: settings.evalWindows };

  // The teacher's own numbers: perplexity per set, and its task loss on retraining batches (the report's dashed line).
  const teacherStart = performance.now();
  const teacherPerplexity: Record<string, number> = {};
  for (const [name, tokens] of Object.entries(validation)) teacherPerplexity[name] = (await evaluatePerplexity(teacher, tokens, evalOptions, backend)).perplexity;
  const probe = createWindowSampler(retrain, { blockSize, batchSize: settings.batchSize, seed: 99 });
  let task = 0;
  for (let i = 0; i < 4; i++) {
    const { x, y, shape } = probe.next();
    const loss = tidy(() => teacher.forward(tensor(x, { shape, dtype: "i32", backend }), tensor(y, { shape, dtype: "i32", backend })).loss!);
    task += (await loss.data())[0] / 4;
    loss.dispose();
  }
  await metrics({ type: "teacher", perplexity: teacherPerplexity, losses: { task } } as never);
  if (settings.methods.includes("dense")) {
    const kl = Object.fromEntries(sets.map((set) => [set, 0])); // KL(teacher ‖ teacher)
    outcomes.push({ method: "dense", label: "Dense teacher", trained: false, seed: 0, perplexity: teacherPerplexity, kl, wallSeconds: (performance.now() - teacherStart) / 1000, tokens: 0 });
  }

  let boostedLayers = null;
  for (const method of settings.methods.filter((m) => m !== "dense")) {
    for (const seed of methodSpec(method, settings, 0).trained ? settings.seeds : [settings.seeds[0]]) {
      const spec = methodSpec(method, settings, seed);
      const name = spec.trained ? `${method}-s${seed}` : method;
      const { model: student } = await loadModelFolder(teacherFolder, undefined, { backend });
      const runStart = performance.now();
      // The report groups lines by run and wants our method name, seed and config on each run's start event.
      const log = (event: TrainerEvent) => metrics({ ...event, run: name, ...(event.type === "start" ? { method, seed, config: spec.config } : {}) } as never);
      const handlers = args.verbose === false ? [log] : [progressReporter(name, "auto"), log];
      const result = await train({
        config: spec.config!,
        student,
        teacher,
        backend,
        data: { train: createWindowSampler(retrain, { blockSize, batchSize: settings.batchSize, seed: 1000 + seed }), validation, calibration: retrain },
        onEvent: handlers,
      });
      const wallSeconds = (performance.now() - runStart) / 1000;
      // How much of the teacher each method kept: mean per-token KL(teacher ‖ model) on the same windows as perplexity.
      const kl: Record<string, number> = {};
      for (const set of sets) kl[set] = (await evaluateTeacherKL(teacher, result.model, validation[set]!, evalOptions, backend)).kl;
      outcomes.push({ method, label: spec.label, trained: spec.trained, seed, perplexity: { ...result.summary.perplexity }, kl, wallSeconds, tokens: result.step * settings.batchSize * blockSize });
      const modelDir = join(out, "models", name);
      if (result.layers.length) await exportCompressed24(join(modelDir, "model.sparse24.safetensors"), result, tokenizer);
      if (!result.layers.some(({ layer }) => layer.slorb)) await saveModelFolder(modelDir, { model: result.model, tokenizer });
      if (method === "ast-boosted" && !boostedLayers) boostedLayers = await maskSlices(result.layers);
      say(`${name}: ${sets.map((s) => `${s} ${result.summary.perplexity[s]?.toFixed(2)}`).join(", ")} (${wallSeconds.toFixed(1)} s)`);
    }
  }
  await metrics.flush();

  const rows = aggregate(outcomes, sets);
  const results = {
    title: `Embedded default: 2:4 pruning of the ${settings.retrain} teacher${args.quick ? " (quick)" : ""}`,
    createdAt: new Date().toISOString(),
    machine: { cpu: `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}`, backend: backend.name, node: process.version },
    validationSets: sets,
    rows,
  };
  // Atomic: a full disk leaves no half-written file for the report to trip on, and says which file failed.
  // Plain JSON.stringify, not writeJsonAtomic: a diverged run's non-finite perplexity is kept (as null).
  await writeFileAtomic(join(out, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  if (boostedLayers) await writeFileAtomic(join(out, "masks.json"), `${JSON.stringify(boostedLayers)}\n`);
  writeReport(out);
  say(`\n${formatTable(rows, sets)}\n`);
  say(`example: done in ${((performance.now() - started) / 1000 / 60).toFixed(1)} min; report ${join(out, "report.html")}`);
  return { out, rows, sets };
}

