import { SparseError } from "@adaptive-sparse/core";

/**
 * Error classes of `@adaptive-sparse/io`. Each extends core's `SparseError`, so `SparseError.isInstance`
 * recognises them and `code` is stable across versions.
 */

/** A file that exists but is not valid for its format (truncated, bad header, bad offsets, ...). */
export class FileFormatError extends SparseError {
  constructor(message: string) {
    super("E_FILE_FORMAT", message);
  }
}

/** A file or folder that should exist does not (the message names the path and what belongs there). */
export class FileMissingError extends SparseError {
  constructor(message: string) {
    super("E_FILE_MISSING", message);
  }
}

/** A checkpoint folder that is half-written, corrupted, or whose content does not match its marker. */
export class CheckpointError extends SparseError {
  constructor(message: string) {
    super("E_CHECKPOINT", message);
  }
}

/** A state dict that lacks tensors a model needs, or has tensors nobody expects. */
export class StateDictError extends SparseError {
  constructor(message: string) {
    super("E_STATE_DICT", message);
  }
}

/** A weight matrix that is not 2:4 sparse where a 2:4 pattern is required. */
export class SparsityPatternError extends SparseError {
  constructor(message: string) {
    super("E_SPARSITY_PATTERN", message);
  }
}

/**
 * The file system refused a write (disk full, quota, read-only, permissions, ...). The message names the
 * file, what happened and what to do; `path` is that file (or folder), `systemCode` the system's code
 * (`ENOSPC`, `EDQUOT`, `EROFS`, `EACCES`, ...), `outcome` what was left behind and `cause` the original
 * error. Thrown after cleaning up: no partial file is left under the final name.
 */
export class FileWriteError extends SparseError {
  override readonly cause: unknown;
  constructor(
    message: string,
    readonly path: string,
    readonly systemCode: string,
    /** What the failed write left behind, e.g. "no partial file was left under that name". */
    readonly outcome: string,
    cause: unknown,
  ) {
    super("E_FILE_WRITE", message);
    this.cause = cause;
  }
}
