import { SparseError } from "@adaptive-sparse/core";

/** A user-facing CLI failure: printed as one paragraph, exit code 1, no stack trace. */
export class CliError extends SparseError {
  constructor(message: string) {
    super("E_CLI", message);
  }
}

/** The paragraph printed for an error: our own errors as their message, anything else with its stack. */
export function formatError(error: unknown): string {
  if (SparseError.isInstance(error)) return `adaptive-sparse: ${error.message}`;
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === "ENOSPC") return `adaptive-sparse: the disk is full (${(error as Error).message}); free some space or choose another --out folder`;
  if (code === "EACCES" || code === "EROFS" || code === "EPERM") {
    return `adaptive-sparse: cannot write (${(error as Error).message}); choose a writable --out folder`;
  }
  if (code === "ENOENT") return `adaptive-sparse: ${(error as Error).message}; check the path`;
  return `adaptive-sparse: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
}
