import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { SparseError } from "@adaptive-sparse/core";
import { RunFinishedError } from "@adaptive-sparse/trainer";
import { CliError } from "./errors.js";
import { writeFailureMessage } from "./write-failure.js";

/** What `prune` and `pretrain` write into their output folder (all of it replaced by `--force`). */
export const RUN_OUTPUTS = ["metrics.jsonl", "checkpoint", "model", "model.sparse24.safetensors", "results.json", "masks.json", "report.html", "config.json", "model.safetensors", "tokenizer.json"];

export interface RunFolderOptions {
  readonly resume?: boolean;
  readonly force?: boolean;
}

/**
 * Checks the output folder before anything is computed or written: `--resume` needs `<out>/checkpoint`;
 * a folder that already holds a run needs `--resume` (continue it) or `--force` (replace its outputs,
 * which are deleted here; other files in the folder stay).
 * @throws CliError saying which flag to add.
 */
export function prepareRunFolder(out: string, { resume, force }: RunFolderOptions): void {
  const checkpoint = join(out, "checkpoint");
  if (resume && force) throw new CliError("--resume continues the run in the output folder and --force replaces it; pass only one");
  if (resume) {
    if (!existsSync(checkpoint)) {
      throw new CliError(`--resume needs a checkpoint, and ${checkpoint} does not exist (a run saves one every checkpoint.every steps and when stopped); drop --resume to start a new run`);
    }
    return;
  }
  const existing = existsSync(out) ? readdirSync(out).filter((name) => RUN_OUTPUTS.includes(name)) : [];
  if (existing.length === 0) return;
  if (!force) {
    throw new CliError(`the output folder ${out} already holds a run (${existing.join(", ")}); add --resume to continue it from its checkpoint, --force to replace it, or choose another -o/--out folder`);
  }
  for (const name of existing) rmSync(join(out, name), { recursive: true, force: true });
}

// Error codes of backend faults (a trapped wasm kernel, wasm memory, a backend refusing an op).
const BACKEND_FAULTS = new Set(["E_WASM_KERNEL_TRAP", "E_WASM_MEMORY", "E_BACKEND"]);

/**
 * Adds to a run's error how to continue: `--resume` from `checkpoint` (the last one this run saved, or
 * the one it resumed from), and, for a backend fault, `--backend cpu` as a workaround. A finished run
 * asked for more steps gets `trainFurther` (the command that trains on from its saved model) instead.
 * Other errors without a checkpoint, and refused writes (which have their own advice), are returned unchanged.
 */
export function withContinueHint(error: unknown, checkpoint: { dir: string; step?: number } | undefined, trainFurther: string): unknown {
  if (error instanceof RunFinishedError) return new CliError(`${error.message}: ${trainFurther}`);
  if (writeFailureMessage(error)) return error;
  const code = SparseError.isInstance(error) ? error.code : undefined;
  const backendFault = code !== undefined && BACKEND_FAULTS.has(code);
  if (!checkpoint && !backendFault) return error;
  // Our own errors read as their message; anything else keeps its stack (it is a bug to report).
  const message = SparseError.isInstance(error) ? error.message : `unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
  const hints: string[] = [];
  if (checkpoint) hints.push(`the last checkpoint${checkpoint.step === undefined ? "" : ` (step ${checkpoint.step})`} is in ${checkpoint.dir}: rerun the command that started the run, with --resume, to continue from it`);
  if (backendFault) hints.push(`${checkpoint ? "add" : "rerun with"} --backend cpu to run on the reference backend instead`);
  const hinted = new CliError(`${message}\nTo continue: ${hints.join("; ")}.`);
  hinted.cause = error;
  return hinted;
}
