import { SparseError } from "@adaptive-sparse/core";

/**
 * A run folder that cannot be read: a missing file, bad JSON, or a record that breaks the contract in
 * README.md. `file` is the path that failed and `line` the 1-based line of metrics.jsonl when known, so the
 * message can point straight at the record to fix.
 */
export class RunFolderError extends SparseError {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    detail: string,
  ) {
    super("E_RUN_FOLDER", `${line === undefined ? file : `${file}:${line}`}: ${detail}`);
  }
}
