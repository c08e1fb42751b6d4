import type { Backend, BufferInfo } from "./backend.js";
import type { DType, TypedArray } from "./dtype.js";
import { createCpuBackend } from "./cpu/cpu-backend.js";
import { BackendError, DisposedError } from "./errors.js";
import type { OpAttrs, OpName } from "./ops/op-names.js";
import { sizeOf, type Shape } from "./shape.js";
import { Tensor, type GradNode } from "./tensor.js";

/** Definition of one op: shape/dtype inference (which validates the inputs) and its gradient rule. */
export interface OpDef<N extends OpName> {
  readonly name: N;
  /** Validates inputs and returns the output's shape and dtype; errors name the op and the argument. */
  infer(inputs: readonly Tensor[], attrs: OpAttrs[N]): { shape: number[]; dtype: DType };
  /** Gradients of the inputs given the output's gradient; null where an input gets none. */
  vjp?(grad: Tensor, inputs: readonly Tensor[], output: Tensor, attrs: OpAttrs[N]): (Tensor | null)[];
}

// Process-wide state, as in PyTorch: grad mode, memory scopes and the default device.
const state = {
  gradEnabled: true,
  scopes: [] as Set<Tensor>[],
  liveTensors: 0,
  nextId: 0,
  defaultBackend: null as Backend | null,
};

export function nextTensorId(): number {
  return state.nextId++;
}

export function trackTensor(tensor: Tensor): void {
  state.liveTensors++;
  state.scopes[state.scopes.length - 1]?.add(tensor);
}

export function untrackTensor(tensor: Tensor): void {
  state.liveTensors--;
  for (const scope of state.scopes) scope.delete(tensor);
}

/** The backend new tensors land on unless told otherwise (like PyTorch's default device): cpu until set. */
export function getDefaultBackend(): Backend {
  state.defaultBackend ??= createCpuBackend();
  return state.defaultBackend;
}

export function setDefaultBackend(backend: Backend): void {
  state.defaultBackend = backend;
}

export function isGradEnabled(): boolean {
  return state.gradEnabled;
}

/** Runs `fn` without recording the graph (like `torch.no_grad()`). */
export function noGrad<T>(fn: () => T): T {
  const previous = state.gradEnabled;
  state.gradEnabled = false;
  try {
    return fn();
  } finally {
    state.gradEnabled = previous;
  }
}

/** Live (not disposed) tensors, for leak tests. */
export function memory(): { tensors: number } {
  return { tensors: state.liveTensors };
}

type Kept = Tensor | readonly Kept[] | { readonly [key: string]: Kept } | ArrayBufferView | number | string | boolean | null | undefined | void;

function collect(value: unknown, into: Set<Tensor>): void {
  if (value instanceof Tensor) into.add(value);
  else if (Array.isArray(value)) value.forEach((item) => collect(item, into));
  else if (value && typeof value === "object" && !ArrayBuffer.isView(value)) Object.values(value).forEach((item) => collect(item, into));
}

/**
 * Runs `fn` and disposes every tensor it created except those it returns (and those passed to `keep`).
 * @example
 * const loss = tidy(() => model.forward(x).mean());   // intermediates are freed, `loss` survives
 */
export function tidy<T extends Kept>(fn: () => T): T {
  const scope = new Set<Tensor>();
  state.scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } finally {
    state.scopes.pop();
  }
  const survivors = new Set<Tensor>();
  collect(result, survivors);
  for (const tensor of scope) {
    if (survivors.has(tensor)) state.scopes[state.scopes.length - 1]?.add(tensor);
    else tensor.dispose();
  }
  return result;
}

/**
 * Disposes intermediates an op made for itself, unless autograd still needs them (then the enclosing
 * `tidy` frees them after backward).
 */
export function release(...tensors: Tensor[]): void {
  for (const tensor of tensors) if (!tensor.requiresGrad) tensor.dispose();
}

/**
 * Runs a composite so its intermediates never leak: under `tidy` when no graph is being recorded; as is when
 * autograd still needs them (the caller's `tidy` frees them after backward).
 */
export function scoped<T extends Tensor>(inputs: readonly unknown[], fn: () => T): T {
  const recording = state.gradEnabled && inputs.some((input) => input instanceof Tensor && input.requiresGrad);
  return recording ? fn() : tidy(fn);
}

/** Exempts a tensor from every enclosing `tidy` scope. */
export function keep<T extends Tensor>(tensor: T): T {
  for (const scope of state.scopes) scope.delete(tensor);
  return tensor;
}

export function bufferInfo(tensor: Tensor): BufferInfo {
  return { handle: tensor.storage.handle, shape: tensor.shape, dtype: tensor.dtype };
}

/** Makes a tensor on `backend` from host data (copied). */
export function fromHost(backend: Backend, data: TypedArray, shape: Shape, dtype: DType): Tensor {
  const handle = backend.alloc(dtype, data.length);
  backend.write(handle, data);
  return new Tensor(backend, { handle, refs: 1 }, shape, dtype);
}

/** A tensor of `value` made on the device: zeros are a fresh buffer (alloc is zero-filled), others the Fill kernel. */
export function fillOn(backend: Backend, shape: Shape, dtype: DType, value: number): Tensor {
  const handle = backend.alloc(dtype, sizeOf(shape));
  if (value !== 0 || Object.is(value, -0)) backend.kernels.Fill({ handle, shape, dtype }, [], { value });
  return new Tensor(backend, { handle, refs: 1 }, shape, dtype);
}

export function zerosOn(backend: Backend, shape: Shape, dtype: DType): Tensor {
  return fillOn(backend, shape, dtype, 0);
}

/** Runs one op: validates, allocates the output, dispatches the kernel and records the graph. */
export function runOp<N extends OpName>(def: OpDef<N>, inputs: readonly Tensor[], attrs: OpAttrs[N]): Tensor {
  const backend = inputs[0].backend;
  inputs.forEach((input, i) => {
    if (input.isDisposed) throw new DisposedError(`${def.name}: input ${i} (shape [${input.shape}]) was disposed; keep it alive (or out of tidy) until the op runs`);
    if (input.backend !== backend) {
      throw new BackendError(`${def.name}: inputs live on different backends (${backend.name} and ${input.backend.name}); move them with .to(backend) first`);
    }
  });
  const { shape, dtype } = def.infer(inputs, attrs);
  const kernel = backend.kernels[def.name] as ((out: BufferInfo, ins: BufferInfo[], a: unknown) => void) | undefined;
  if (!kernel) throw new BackendError(`${def.name}: backend "${backend.name}" has no kernel for this op`);
  const handle = backend.alloc(dtype, sizeOf(shape));
  const out: BufferInfo = { handle, shape, dtype };
  kernel(out, inputs.map(bufferInfo), attrs);
  const output = new Tensor(backend, { handle, refs: 1 }, shape, dtype);
  if (state.gradEnabled && def.vjp && inputs.some((input) => input.requiresGrad)) {
    output.requiresGrad = true;
    output.node = { def: def as OpDef<OpName>, inputs: [...inputs], attrs, freed: false } satisfies GradNode;
  }
  return output;
}
