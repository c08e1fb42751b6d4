import { SparseError } from "@adaptive-sparse/core";
import { writeFailureMessage } from "./write-failure.js";

/** A user-facing CLI failure: printed as one paragraph, exit code 1, no stack trace. */
export class CliError extends SparseError {
  constructor(message: string) {
    super("E_CLI", message);
  }
}

/**
 * The paragraph printed for an error: a refused write (disk full, read-only, permissions) as which file,
 * what happened and what to do; our own errors as their message; anything else with its stack.
 */
export function formatError(error: unknown): string {
  const writeFailure = writeFailureMessage(error);
  if (writeFailure) return `adaptive-sparse: ${writeFailure}`;
  if (SparseError.isInstance(error)) return `adaptive-sparse: ${error.message}`;
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === "ENOENT") return `adaptive-sparse: ${(error as Error).message}; check the path`;
  return `adaptive-sparse: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
}
