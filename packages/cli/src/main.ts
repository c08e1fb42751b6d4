import { createRequire } from "node:module";
import { Command, CommanderError, Option } from "commander";
import type { Registry } from "@adaptive-sparse/core";
import { METHODS } from "@adaptive-sparse/trainer";
import { bench } from "./commands/bench.js";
import { evaluate } from "./commands/evaluate.js";
import { exportModel, WEIGHT_DTYPES } from "./commands/export.js";
import { generateText } from "./commands/generate.js";
import { pretrain } from "./commands/pretrain.js";
import { prune } from "./commands/prune.js";
import { report } from "./commands/report.js";
import { CliError, formatError } from "./errors.js";
import { collect, decimal, nmPattern, separatorText, setting, wholeNumber } from "./option-parsers.js";
import { PRETRAIN_LR_HELP, PRUNE_DEFAULTS_HELP } from "./trainer-defaults.js";
import { createCliRegistry } from "./registry.js";
import { PRETRAIN_MODEL_DEFAULTS } from "./settings.js";

/** This package's version (from src/ and dist/ alike, package.json is one folder up). */
const VERSION = (createRequire(import.meta.url)("../package.json") as { version: string }).version;

const separatorHelp = "cut a single text file into documents on this string, e.g. '\\n' (default: blank lines)";
const textFieldHelp = "the field of a .jsonl(.gz) corpus or the column of a .parquet one that holds the text (default: text)";

/** Options of {@link main} and {@link createProgram}. */
export interface MainOptions {
  /** Where corpora, tokenizers, evaluators, backends and trainer plugins are looked up; default createCliRegistry(). */
  readonly registry?: Registry;
}

function common(command: Command): Command {
  return command
    .option("-c, --config <file>", "settings file (JSON or YAML)")
    .option("--set <key=value>", "override one setting, e.g. --set trainer.steps=200 (repeatable)", setting)
    .option("--backend <name>", "backend: wasm, cpu, or webgpu, gpujs, cuda once their @adaptive-sparse/backend-* package is installed (default: wasm; env ADAPTIVE_SPARSE_BACKEND)")
    .addOption(new Option("--progress <mode>", "progress output").choices(["auto", "bar", "lines", "json", "quiet"]).default("auto"))
    .option("--quiet", "no progress output")
    .option("--json", "progress as one JSON object per event on stdout");
}

const progressOf = (options: { progress?: string; quiet?: boolean; json?: boolean }) =>
  (options.quiet ? "quiet" : options.json ? "json" : options.progress) as "auto";

/** The `adaptive-sparse` command line. */
export function createProgram(options: MainOptions = {}): Command {
  const registry = options.registry ?? createCliRegistry();
  const program = new Command("adaptive-sparse")
    .description("Prune GPT-2, LLaMA-family and OPT models to 2:4 sparsity with adaptive sparse training (AST) and its baselines.")
    .version(VERSION, "-V, --version", "print the version")
    .showHelpAfterError("(add --help for usage)")
    .exitOverride();

  common(program.command("pretrain"))
    .description("train a dense GPT from scratch on a corpus and write a model folder")
    .option("--corpus <name|path>", "corpus (required): sotu, moby-dick, spam-assassin-ham, a registered one, or a file/folder/.jsonl(.gz)/.parquet")
    .option("--separator <text>", separatorHelp, separatorText)
    .option("--text-field <name>", textFieldHelp)
    .option("--steps <n>", "optimizer steps", wholeNumber(1, "--steps 200"))
    .requiredOption("-o, --out <folder>", "model folder to write (config.json, model.safetensors, tokenizer.json)")
    .option("--resume", "continue from <out>/checkpoint")
    .option("--force", "replace the outputs of an earlier run in <out>")
    .addHelpText(
      "after",
      `\nDefaults (when the config and --set leave them out):\n  model:     ${Object.entries(PRETRAIN_MODEL_DEFAULTS).map(([key, value]) => `${key} ${value}`).join(", ")} (the example teacher's shape)\n  tokenizer: gpt2 (50,257 ids; { type: bpe, vocabSize: 1024 } trains a small one on the corpus)\n${PRETRAIN_LR_HELP}\n` +
        "\nExamples:\n  adaptive-sparse pretrain --corpus notes.txt --steps 500 -o models/notes\n  adaptive-sparse pretrain -c apps/example/teacher/pretrain.yaml --out models/teacher\n",
    )
    .action((flags) => pretrain({ ...flags, progress: progressOf(flags), registry }));

  common(program.command("prune"))
    .description("prune a model folder to N:M with a trainer method (ast, naive, imp, gmp, one-shot)")
    .requiredOption("-m, --model <folder>", "dense model folder in Hugging Face layout (model_type gpt2, llama, mistral, qwen2 or opt)")
    .option("--teacher <folder>", "teacher to distil from; naming one turns distillation on (trainer.distill {}: 0.33·CE + 0.67·KL at T = 2) unless the settings give trainer.distill (with trainer.distill and no --teacher: the model itself)")
    .addOption(new Option("--method <name>", "pruning method").choices([...METHODS]))
    .option("--corpus <name|path>", "retraining corpus (required): a registered name or a file/folder/.jsonl(.gz)/.parquet/.bin")
    .option("--separator <text>", separatorHelp, separatorText)
    .option("--text-field <name>", textFieldHelp)
    .option("--steps <n>", "optimizer steps", wholeNumber(1, "--steps 200"))
    .requiredOption("-o, --out <folder>", "run folder (model/, model.sparse24.safetensors, metrics.jsonl, checkpoint/, results.json)")
    .option("--resume", "continue from <out>/checkpoint")
    .option("--force", "replace the outputs of an earlier run in <out>")
    .addHelpText("after", `${PRUNE_DEFAULTS_HELP}\n\nExamples:\n  adaptive-sparse prune -m models/gpt2 --method ast --corpus c4.jsonl.gz --steps 2000 -o runs/gpt2-ast\n  adaptive-sparse prune -m models/TinyLlama-1.1B --method ast --corpus c4.jsonl.gz --steps 2000 -o runs/tinyllama-ast\n  adaptive-sparse prune -m models/opt-125m --method ast --corpus c4.jsonl.gz --steps 2000 -o runs/opt-ast\n  adaptive-sparse prune -m models/gpt2 -c prune.yaml --set trainer.slorb.k=16 -o runs/boosted --resume\n  adaptive-sparse report runs/gpt2-ast\n`)
    .action((flags) => prune({ ...flags, progress: progressOf(flags), registry }).then(() => undefined));

  program.command("eval")
    .description("perplexity on corpora, zero-shot multiple-choice tasks, and N:M validity of a model folder")
    .requiredOption("-m, --model <folder>", "model folder")
    .option("--corpus <name|path>", "score the held-out split of this corpus (repeatable)", collect)
    .option("--whole", "score each --corpus in full (every document) instead of its held-out split")
    .option("--separator <text>", separatorHelp, separatorText)
    .option("--text-field <name>", textFieldHelp)
    .option("--tasks <file.jsonl>", "zero-shot task file: {context, choices, label} per line, or rows of BoolQ, RTE, HellaSwag, WinoGrande, ARC, OpenBookQA, PIQA or MMLU as Hugging Face datasets save them (repeatable)", collect)
    .option("--nm <N:M>", "check that every group of M weights keeps at most N nonzeros, e.g. 2:4 (exit code 1 when not)", nmPattern)
    .option("--max-windows <n>", "score at most this many windows per corpus, spread evenly over it", wholeNumber(1, "--max-windows 100"))
    .option("--backend <name>", "backend")
    .option("--json", "print the results as JSON")
    .addHelpText("after", "\nExamples:\n  adaptive-sparse eval -m runs/gpt2-ast/model --corpus sotu --corpus moby-dick --nm 2:4\n  adaptive-sparse eval -m runs/gpt2-ast/model --corpus my-eval.txt --whole\n")
    .action(async (flags) => {
      const results = await evaluate({ ...flags, registry });
      const nm = results.nm as { valid: boolean; groupsOverN: number } | undefined;
      if (nm && !nm.valid) throw new CliError(`eval: the model is not ${flags.nm} sparse (${nm.groupsOverN} groups keep more than ${String(flags.nm).split(":")[0]} nonzeros; see the report above)`);
    });

  program.command("export")
    .description("write a model folder as a Hugging Face folder of its family (hf) or a compressed 2:4 file (compressed24)")
    .requiredOption("-m, --model <folder>", "model folder")
    .addOption(new Option("--format <format>", "output format").choices(["hf", "compressed24"]).default("hf"))
    .requiredOption("-o, --out <path>", "output folder (hf) or file (compressed24)")
    .addOption(new Option("--dtype <dtype>", "weight storage for hf (f16 or bf16 halve the size; bf16 keeps f32's range, as LLaMA checkpoints ship)").choices([...WEIGHT_DTYPES.keys()]))
    .option("--backend <name>", "backend")
    .addHelpText("after", "\nExample:\n  adaptive-sparse export -m runs/gpt2-ast/model --format compressed24 -o gpt2-24.safetensors\n")
    .action((flags) => exportModel({ ...flags, registry }));

  program.command("report")
    .description("write report.html for a run folder (metrics.jsonl, results.json, masks.json)")
    .argument("<run-folder>", "the run folder")
    .addHelpText("after", "\nExample:\n  adaptive-sparse report runs/2026-11-28T12-00-00\n")
    .action((folder) => console.log(report(folder)));

  program.command("bench")
    .description("forward and training-step tokens/s of a model folder on a backend")
    .requiredOption("-m, --model <folder>", "model folder")
    .option("--batch-size <n>", "training batch size", wholeNumber(1, "--batch-size 8"))
    .option("--backend <name>", "backend")
    .addHelpText("after", "\nExample:\n  adaptive-sparse bench -m apps/example/teacher --backend wasm\n")
    .action((flags) => bench({ ...flags, registry }).then(() => undefined));

  program.command("generate")
    .description("sample text from a model folder")
    .requiredOption("-m, --model <folder>", "model folder")
    .option("-p, --prompt <text>", "prompt", "")
    .option("-n, --tokens <n>", "new tokens", wholeNumber(1, "-n 100"), 100)
    .addOption(new Option("--max-new-tokens <n>", "the same, by its Hugging Face name").argParser(wholeNumber(1, "--max-new-tokens 100")).conflicts("tokens"))
    .option("--temperature <t>", "sampling temperature (0: greedy)", decimal(0, "--temperature 0.8"), 0.8)
    .option("--top-k <k>", "sample among the k most likely tokens", wholeNumber(1, "--top-k 40"), 40)
    .option("--seed <n>", "sampling seed", wholeNumber(0, "--seed 0"), 0)
    .option("--backend <name>", "backend")
    .option("--sparse24", "run a pruned model's 2:4 layers on the backend's compressed 2:4 kernel (wasm, webgpu): about half the weight bytes per token, after a setup of about a second for GPT-2 124M")
    .addHelpText("after", "\nExample:\n  adaptive-sparse generate -m apps/example/teacher -p \"The state of the Union\" -n 60\n")
    .action(async ({ maxNewTokens, ...flags }) => console.log(await generateText({ ...flags, tokens: maxNewTokens ?? flags.tokens, registry })));

  return program;
}

/**
 * Runs the CLI; resolves to the exit code. Errors print as one paragraph (no stack for known errors);
 * commander has already printed its own (a bad flag value names the flag and the expected form).
 */
export async function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
  const program = createProgram(options);
  try {
    await program.parseAsync(argv as string[]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 || error.code === "commander.helpDisplayed" || error.code === "commander.version" ? 0 : 1;
    process.stderr.write(`${formatError(error)}\n`);
    return 1;
  }
}
