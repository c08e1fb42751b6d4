/**
 * Errors of the data package. All extend core's `SparseError`, so `SparseError.isInstance` and the
 * stable `code` work across package copies.
 */
import { SparseError } from "@adaptive-sparse/core";

/** A file or folder the caller named does not exist or cannot be read. */
export class DataFileError extends SparseError {
  constructor(message: string) {
    super("E_DATA_FILE", message);
  }
}

/**
 * A JSONL line or Parquet file without the string field (column) that holds the text: `field` is the one
 * asked for, `available` what the line or file has, so a caller can name the right one; `problem` is the
 * message without its fix (the loader's option), for a caller whose fix is another (a command-line flag).
 */
export class TextFieldError extends DataFileError {
  constructor(
    readonly problem: string,
    fix: string,
    readonly field: string,
    readonly available: readonly string[],
  ) {
    super(`${problem}; ${fix}`);
  }
}

/** A corpus with no documents, or whose documents are all empty. */
export class EmptyCorpusError extends SparseError {
  constructor(message: string) {
    super("E_DATA_EMPTY", message);
  }
}

/** A token stream too short for what was asked (one window, N calibration windows). */
export class CorpusTooShortError extends SparseError {
  constructor(message: string) {
    super("E_DATA_TOO_SHORT", message);
  }
}

/** A token file that is malformed: length not a multiple of its element size, ids out of range. */
export class TokenFileError extends SparseError {
  constructor(message: string) {
    super("E_DATA_TOKEN_FILE", message);
  }
}

/** A token id outside a tokenizer's vocabulary. */
export class InvalidTokenError extends SparseError {
  constructor(message: string) {
    super("E_DATA_TOKEN", message);
  }
}
