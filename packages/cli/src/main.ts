import { Command, CommanderError, Option } from "commander";
import { bench } from "./commands/bench.js";
import { evaluate } from "./commands/evaluate.js";
import { exportModel } from "./commands/export.js";
import { generateText } from "./commands/generate.js";
import { pretrain } from "./commands/pretrain.js";
import { prune } from "./commands/prune.js";
import { report } from "./commands/report.js";
import { formatError } from "./errors.js";

const collect = (value: string, previous: string[] = []) => [...previous, value];
const integer = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new CommanderError(1, "invalid-number", `expected an integer, got "${value}"`);
  return n;
};

function common(command: Command): Command {
  return command
    .option("-c, --config <file>", "settings file (JSON or YAML)")
    .option("--set <key=value>", "override one setting, e.g. --set trainer.steps=200 (repeatable)", collect)
    .option("--backend <name>", "backend: wasm, cpu, webgpu or gpujs (default: wasm; env ADAPTIVE_SPARSE_BACKEND)")
    .addOption(new Option("--progress <mode>", "progress output").choices(["auto", "bar", "lines", "json", "quiet"]).default("auto"))
    .option("--quiet", "no progress output")
    .option("--json", "progress as one JSON object per event on stdout");
}

const progressOf = (options: { progress?: string; quiet?: boolean; json?: boolean }) =>
  (options.quiet ? "quiet" : options.json ? "json" : options.progress) as "auto";

/** The `adaptive-sparse` command line. */
export function createProgram(): Command {
  const program = new Command("adaptive-sparse")
    .description("Prune GPT-2-family models to 2:4 sparsity with adaptive sparse training (AST) and its baselines.")
    .showHelpAfterError()
    .exitOverride();

  common(program.command("pretrain"))
    .description("train a dense GPT from scratch on a corpus and write a model folder")
    .option("--corpus <name|path>", "corpus: sotu, moby-dick, spam-assassin-ham, or a file/folder/.jsonl(.gz)/.parquet")
    .option("--steps <n>", "optimizer steps", integer)
    .requiredOption("-o, --out <folder>", "model folder to write (config.json, model.safetensors, tokenizer.json)")
    .option("--resume", "continue from <out>/checkpoint")
    .addHelpText("after", "\nExample:\n  adaptive-sparse pretrain -c apps/example/teacher/pretrain.yaml --out models/teacher\n")
    .action((options) => pretrain({ ...options, progress: progressOf(options) }));

  common(program.command("prune"))
    .description("prune a model folder to N:M with a trainer method (ast, naive, imp, gmp, one-shot)")
    .requiredOption("-m, --model <folder>", "dense model folder (Hugging Face GPT-2 layout)")
    .option("--teacher <folder>", "teacher for distillation (default: the model itself)")
    .option("--method <name>", "dense | one-shot | naive | imp | gmp | ast")
    .option("--corpus <name|path>", "retraining corpus")
    .option("--steps <n>", "optimizer steps", integer)
    .requiredOption("-o, --out <folder>", "run folder (model/, model.sparse24.safetensors, metrics.jsonl, checkpoint/)")
    .option("--resume", "continue from <out>/checkpoint")
    .addHelpText("after", "\nExamples:\n  adaptive-sparse prune -m models/gpt2 --method ast --corpus c4.jsonl.gz --steps 2000 -o runs/gpt2-ast\n  adaptive-sparse prune -m models/gpt2 -c prune.yaml --set trainer.slorb.k=16 -o runs/boosted --resume\n")
    .action((options) => prune({ ...options, progress: progressOf(options) }).then(() => undefined));

  program.command("eval")
    .description("perplexity on corpora, zero-shot multiple-choice tasks, and N:M validity of a model folder")
    .requiredOption("-m, --model <folder>", "model folder")
    .option("--corpus <name|path>", "score the held-out split of this corpus (repeatable)", collect)
    .option("--tasks <file.jsonl>", "zero-shot task file ({context, choices, label} per line; repeatable)", collect)
    .option("--nm <N:M>", "check that every group of M weights keeps at most N nonzeros, e.g. 2:4")
    .option("--max-windows <n>", "score at most this many windows per corpus", integer)
    .option("--backend <name>", "backend")
    .option("--json", "print the results as JSON")
    .addHelpText("after", "\nExample:\n  adaptive-sparse eval -m runs/gpt2-ast/model --corpus sotu --corpus moby-dick --nm 2:4\n")
    .action((options) => evaluate(options).then(() => undefined));

  program.command("export")
    .description("write a model folder as a Hugging Face GPT-2 folder (hf) or a compressed 2:4 file (compressed24)")
    .requiredOption("-m, --model <folder>", "model folder")
    .addOption(new Option("--format <format>", "output format").choices(["hf", "compressed24"]).makeOptionMandatory())
    .requiredOption("-o, --out <path>", "output folder (hf) or file (compressed24)")
    .option("--dtype <f32|f16>", "weight storage for hf (f16 halves the size)")
    .option("--backend <name>", "backend")
    .addHelpText("after", "\nExample:\n  adaptive-sparse export -m runs/gpt2-ast/model --format compressed24 -o gpt2-24.safetensors\n")
    .action((options) => exportModel(options));

  program.command("report")
    .description("write report.html for a run folder (metrics.jsonl, results.json, masks.json)")
    .argument("<run-folder>", "the run folder")
    .addHelpText("after", "\nExample:\n  adaptive-sparse report runs/2026-11-28T12-00-00\n")
    .action((folder) => console.log(report(folder)));

  program.command("bench")
    .description("forward and training-step tokens/s of a model folder on a backend")
    .requiredOption("-m, --model <folder>", "model folder")
    .option("--batch-size <n>", "training batch size", integer)
    .option("--backend <name>", "backend")
    .addHelpText("after", "\nExample:\n  adaptive-sparse bench -m apps/example/teacher --backend wasm\n")
    .action((options) => bench(options).then(() => undefined));

  program.command("generate")
    .description("sample text from a model folder")
    .requiredOption("-m, --model <folder>", "model folder")
    .option("-p, --prompt <text>", "prompt", "")
    .option("-n, --tokens <n>", "new tokens", integer, 100)
    .option("--temperature <t>", "sampling temperature (0: greedy)", Number, 0.8)
    .option("--top-k <k>", "sample among the k most likely tokens", integer, 40)
    .option("--seed <n>", "sampling seed", integer, 0)
    .option("--backend <name>", "backend")
    .addHelpText("after", "\nExample:\n  adaptive-sparse generate -m apps/example/teacher -p \"The state of the Union\" -n 60\n")
    .action(async (options) => console.log(await generateText(options)));

  return program;
}

/** Runs the CLI; resolves to the exit code. Errors print as one paragraph (no stack for known errors). */
export async function main(argv: readonly string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync(argv as string[]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 || error.code === "commander.helpDisplayed" || error.code === "commander.version" ? 0 : 1;
    process.stderr.write(`${formatError(error)}\n`);
    return 1;
  }
}
