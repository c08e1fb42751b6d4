/**
 * @adaptive-sparse/core: tensors with reverse-mode autograd, the Backend contract, the reference cpu
 * backend and the plugin registry. Zero runtime dependencies.
 */
export { SparseError, ShapeError, DTypeError, DisposedError, GradError, NonFiniteError, UnknownPluginError, DuplicatePluginError, ConfigError, BackendError, groupTopKNaNMessage } from "./errors.js";
export type { DType, TypedArray } from "./dtype.js";
export { DTYPES, typedArrayFor, bytesPerElement, isFloat } from "./dtype.js";
export type { Shape, BroadcastRead } from "./shape.js";
export { sizeOf, stridesOf, formatShape, broadcastShapes, broadcastRead, reductionSplit, normalizeAxis, shapesEqual } from "./shape.js";
export type { PluginKinds, PluginKind, Registry, RegisterOptions } from "./registry.js";
export { createRegistry } from "./registry.js";
export type { OptionsSchema } from "./options.js";
export { validateOptions } from "./options.js";
export type { Backend, BackendCapabilities, BackendPlugin, BackendStats, BufferInfo, InPlaceKernel, InPlaceName, Kernel, KernelTable } from "./backend.js";
export { PRIMITIVES, FUSED } from "./ops/op-names.js";
export type { OpName, PrimitiveName, FusedName, OpAttrs, AdamWStepAttrs, AdamWStepMode } from "./ops/op-names.js";
export { adamwStep, type AdamWStepTensors } from "./ops/adamw-step.js";
export { writeSlice } from "./ops/write-slice.js";
export { sparseMatMul24, expandCompressed24, type Compressed24Tensors } from "./ops/sparse-matmul24.js";
export { Tensor } from "./tensor.js";
export type { NestedArray, Storage, GradNode } from "./tensor.js";
export type { BackwardOptions } from "./autograd.js";
export { Generator } from "./random.js";
export { getDefaultBackend, setDefaultBackend, isGradEnabled, noGrad, tidy, keep, memory, fromHost, runOp } from "./engine.js";
export type { OpDef } from "./engine.js";
export { createCpuBackend, cpuBackendPlugin, type CpuBackendOptions } from "./cpu/cpu-backend.js";
export { hasKernels } from "./ops/fused.js";
export { causalSoftmax } from "./ops/causal-softmax.js";
export { rotary, rotateHalf } from "./ops/rotary.js";
export {
  neg, exp, log, sqrt, reciprocal, tanh, cast, add, mul, pow, maximum, lt, le, eq, gt, ge, ne, where,
  reshape, permute, transpose, expand, slice, pad, narrow, concat, split, matmul, gather, scatterAdd, groupTopK,
  sub, div, square, minimum, sign, abs, clamp, sum, mean, max, min, argmax, variance, sumTo, squeeze, unsqueeze,
  softmax, logSoftmax, gelu, silu, relu, layerNorm, rmsNorm, crossEntropy, softmaxKL, dropout, tril, causalMask, maskedFill,
  tensor, full, zeros, ones, fullLike, zerosLike, onesLike, arange, rand, randn,
} from "./functions.js";
export type { MatMulOptions, CrossEntropyOptions, DropoutOptions, CreateOptions, RandomOptions } from "./functions.js";
