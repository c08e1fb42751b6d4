/**
 * Error classes for the whole toolkit. Each has a stable `code` and a `Symbol.for` brand so
 * `isInstance` works even if two copies of core end up installed.
 */
const brand = Symbol.for("adaptive-sparse.error");

/** Base class of every error the toolkit throws on purpose. */
export class SparseError extends Error {
  readonly [brand] = true;
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
  static isInstance(value: unknown): value is SparseError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}

/** Shapes that do not fit an op (the message names the op, the argument and both shapes). */
export class ShapeError extends SparseError {
  constructor(message: string) {
    super("E_SHAPE", message);
  }
}

/** A dtype an op does not accept, or two inputs whose dtypes differ. */
export class DTypeError extends SparseError {
  constructor(message: string) {
    super("E_DTYPE", message);
  }
}

/** A tensor used after `dispose()`. */
export class DisposedError extends SparseError {
  constructor(message: string) {
    super("E_DISPOSED", message);
  }
}

/** GroupTopK's message for a NaN score, worded once for every backend's kernel. */
export function groupTopKNaNMessage(row: number, column: number): string {
  return `GroupTopK: score at row ${row}, column ${column} is NaN; masks need finite scores`;
}

/** Autograd misuse: backward on a non-scalar without a gradient, or through a freed graph. */
export class GradError extends SparseError {
  constructor(message: string) {
    super("E_GRAD", message);
  }
}

/** A value that must be finite is NaN or infinite. */
export class NonFiniteError extends SparseError {
  constructor(message: string) {
    super("E_NON_FINITE", message);
  }
}

/** Lookup of a name nobody registered; the message lists the registered names. */
export class UnknownPluginError extends SparseError {
  constructor(message: string) {
    super("E_UNKNOWN_PLUGIN", message);
  }
}

/** Registering a name that is already taken. */
export class DuplicatePluginError extends SparseError {
  constructor(message: string) {
    super("E_DUPLICATE_PLUGIN", message);
  }
}

/** Invalid options or configuration (a plugin's options, a config file key). */
export class ConfigError extends SparseError {
  constructor(message: string) {
    super("E_CONFIG", message);
  }
}

/** A backend that cannot do what was asked (missing kernel, sync read, unavailable device). */
export class BackendError extends SparseError {
  constructor(message: string) {
    super("E_BACKEND", message);
  }
}
