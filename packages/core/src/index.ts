export { SparseError, ShapeError, DTypeError, DisposedError, GradError, NonFiniteError, UnknownPluginError, DuplicatePluginError, ConfigError, BackendError } from "./errors.js";
export type { DType, TypedArray } from "./dtype.js";
export { DTYPES, typedArrayFor, bytesPerElement, isFloat } from "./dtype.js";
export type { Shape } from "./shape.js";
export { sizeOf, stridesOf, formatShape, broadcastShapes, normalizeAxis } from "./shape.js";
export type { PluginKinds, PluginKind, Registry, RegisterOptions } from "./registry.js";
export { createRegistry } from "./registry.js";
export type { OptionsSchema } from "./options.js";
export { validateOptions } from "./options.js";
