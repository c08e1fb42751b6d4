import type { Backend } from "./backend.js";
import type { DType, TypedArray } from "./dtype.js";
import { BackendError, DisposedError } from "./errors.js";
import { fromHost, nextTensorId, trackTensor, untrackTensor } from "./engine.js";
import { backward, type BackwardOptions } from "./autograd.js";
import * as F from "./functions.js";
import { formatShape, sizeOf, type Shape } from "./shape.js";

/** A backend buffer shared by a tensor and its reshaped views; freed when the last one is disposed. */
export interface Storage {
  /** Mutable only for in-place updates that swap in a new buffer (the AdamWStep decomposition). */
  handle: unknown;
  refs: number;
}

/** One recorded op in the autograd graph. */
export interface GradNode {
  readonly def: { readonly name: string; vjp?(grad: Tensor, inputs: readonly Tensor[], output: Tensor, attrs: any): (Tensor | null)[] };
  inputs: Tensor[];
  readonly attrs: unknown;
  freed: boolean;
}

export type NestedArray = number | NestedArray[];
type Operand = Tensor | number;

const brand = Symbol.for("adaptive-sparse.tensor");

/**
 * An n-dimensional array on a backend, with reverse-mode autograd. Ops never consume their inputs;
 * free memory with `dispose()` or `tidy()`.
 */
export class Tensor {
  readonly [brand] = true;
  readonly id = nextTensorId();
  readonly shape: readonly number[];
  /** Set on leaves you want gradients for; set automatically on results of ops on such tensors. */
  requiresGrad = false;
  /** Accumulated gradient of a leaf (or of a tensor that called `retainGrad()`) after `backward()`. */
  grad: Tensor | null = null;
  node: GradNode | null = null;
  retainsGrad = false;
  #disposed = false;

  constructor(
    readonly backend: Backend,
    readonly storage: Storage,
    shape: Shape,
    readonly dtype: DType,
  ) {
    this.shape = Object.freeze([...shape]);
    trackTensor(this);
  }

  static isTensor(value: unknown): value is Tensor {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }

  get size(): number {
    return sizeOf(this.shape);
  }
  get rank(): number {
    return this.shape.length;
  }
  get isDisposed(): boolean {
    return this.#disposed;
  }

  #assertAlive(what: string): void {
    if (this.#disposed) throw new DisposedError(`${what}: tensor ${formatShape(this.shape)} ${this.dtype} was disposed; it can no longer be read or used`);
  }

  /** Copies the values to the host (async on every backend). */
  async data(): Promise<TypedArray> {
    this.#assertAlive("data()");
    return this.backend.read(this.storage.handle, this.dtype, this.size);
  }
  /** Synchronous read; only on backends with `capabilities.syncRead` (cpu). */
  dataSync(): TypedArray {
    this.#assertAlive("dataSync()");
    if (!this.backend.readSync) throw new BackendError(`dataSync(): backend "${this.backend.name}" reads asynchronously only; use await tensor.data()`);
    return this.backend.readSync(this.storage.handle, this.dtype, this.size);
  }
  async array(): Promise<NestedArray> {
    return nest(await this.data(), this.shape);
  }
  arraySync(): NestedArray {
    return nest(this.dataSync(), this.shape);
  }
  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new BackendError(`item(): tensor has shape ${formatShape(this.shape)}; only one-element tensors convert to a number`);
    return this.dataSync()[0];
  }

  /**
   * This tensor on `backend`, like PyTorch's `t.to(device)`: the tensor itself when it already lives
   * there, else a new tensor with a copy of the values (a leaf, cut from the graph; the caller owns it).
   * Async because most device backends read asynchronously; on a source with sync reads (cpu) `toSync`.
   * @example const onGpu = await t.to(webgpu);
   */
  async to(backend: Backend): Promise<Tensor> {
    this.#assertAlive("to()");
    if (backend === this.backend) return this;
    return fromHost(backend, await this.data(), this.shape, this.dtype);
  }
  /** {@link Tensor.to} for a source backend with sync reads (cpu). @throws BackendError on an async-only source */
  toSync(backend: Backend): Tensor {
    if (backend === this.backend) return this;
    return fromHost(backend, this.dataSync(), this.shape, this.dtype);
  }
  /**
   * Moves this tensor's values to `backend` in place, keeping the object (how `Module.to` moves
   * parameters that optimizers and layers hold by reference). Views sharing the old buffer keep it.
   */
  async moveTo(backend: Backend): Promise<void> {
    if (backend === this.backend) return;
    this.#adopt(fromHost(backend, await this.data(), this.shape, this.dtype));
  }
  /** {@link Tensor.moveTo} for a source backend with sync reads (cpu). */
  moveToSync(backend: Backend): void {
    if (backend === this.backend) return;
    this.#adopt(fromHost(backend, this.dataSync(), this.shape, this.dtype));
  }
  #adopt(copy: Tensor): void {
    untrackTensor(copy); // the copy's buffer now belongs to this object; only this object is tracked
    if (--this.storage.refs === 0) this.backend.free(this.storage.handle);
    // backend and storage are readonly for users; a move is the one place they change.
    const self = this as { backend: Backend; storage: Storage };
    self.backend = copy.backend;
    self.storage = copy.storage;
  }

  /** Frees the buffer (once its last view is disposed). Safe to call twice. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    untrackTensor(this);
    if (--this.storage.refs === 0) this.backend.free(this.storage.handle);
  }
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** Back-propagates from this tensor; `grad` defaults to 1 for a one-element tensor. */
  backward(grad?: Tensor, options?: BackwardOptions): void {
    this.#assertAlive("backward()");
    backward(this, grad, options);
  }
  /** Keeps `.grad` on this non-leaf tensor after backward. */
  retainGrad(): this {
    this.retainsGrad = true;
    return this;
  }
  /** Marks this tensor as a leaf that needs gradients (like `requires_grad_()`). */
  requireGrad(value = true): this {
    this.requiresGrad = value;
    return this;
  }
  /** A new tensor sharing this buffer, cut from the graph. */
  detach(): Tensor {
    this.#assertAlive("detach()");
    this.storage.refs++;
    return new Tensor(this.backend, this.storage, this.shape, this.dtype);
  }
  /** Clears the accumulated gradient. */
  zeroGrad(): void {
    this.grad?.dispose();
    this.grad = null;
  }
  toString(): string {
    return `Tensor(${formatShape(this.shape)}, ${this.dtype}, ${this.backend.name})`;
  }

  // PyTorch-style methods; each is the function of the same name in functions.ts.
  add(other: Operand) { return F.add(this, other); }
  sub(other: Operand) { return F.sub(this, other); }
  mul(other: Operand) { return F.mul(this, other); }
  div(other: Operand) { return F.div(this, other); }
  pow(other: Operand) { return F.pow(this, other); }
  maximum(other: Operand) { return F.maximum(this, other); }
  minimum(other: Operand) { return F.minimum(this, other); }
  lt(other: Operand) { return F.lt(this, other); }
  le(other: Operand) { return F.le(this, other); }
  gt(other: Operand) { return F.gt(this, other); }
  ge(other: Operand) { return F.ge(this, other); }
  eq(other: Operand) { return F.eq(this, other); }
  ne(other: Operand) { return F.ne(this, other); }
  neg() { return F.neg(this); }
  exp() { return F.exp(this); }
  log() { return F.log(this); }
  sqrt() { return F.sqrt(this); }
  tanh() { return F.tanh(this); }
  abs() { return F.abs(this); }
  sign() { return F.sign(this); }
  square() { return F.square(this); }
  reciprocal() { return F.reciprocal(this); }
  clamp(min?: number, max?: number) { return F.clamp(this, min, max); }
  cast(dtype: DType) { return F.cast(this, dtype); }
  sum(axis?: number | number[], keepdim = false) { return F.sum(this, axis, keepdim); }
  mean(axis?: number | number[], keepdim = false) { return F.mean(this, axis, keepdim); }
  max(axis?: number | number[], keepdim = false) { return F.max(this, axis, keepdim); }
  min(axis?: number | number[], keepdim = false) { return F.min(this, axis, keepdim); }
  argmax(axis = -1, keepdim = false) { return F.argmax(this, axis, keepdim); }
  matmul(other: Tensor, options?: F.MatMulOptions) { return F.matmul(this, other, options); }
  reshape(shape: readonly number[]) { return F.reshape(this, shape); }
  view(shape: readonly number[]) { return F.reshape(this, shape); }
  flatten() { return F.reshape(this, [-1]); }
  transpose(axis0 = -2, axis1 = -1) { return F.transpose(this, axis0, axis1); }
  permute(perm: readonly number[]) { return F.permute(this, perm); }
  expand(shape: readonly number[]) { return F.expand(this, shape); }
  squeeze(axis: number) { return F.squeeze(this, axis); }
  unsqueeze(axis: number) { return F.unsqueeze(this, axis); }
  slice(begin: readonly number[], size: readonly number[]) { return F.slice(this, begin, size); }
  softmax(axis = -1) { return F.softmax(this, axis); }
  logSoftmax(axis = -1) { return F.logSoftmax(this, axis); }
}

function nest(data: TypedArray, shape: readonly number[]): NestedArray {
  if (shape.length === 0) return data[0];
  const build = (offset: number, axis: number): NestedArray[] => {
    const out: NestedArray[] = [];
    const stride = sizeOf(shape.slice(axis + 1));
    for (let i = 0; i < shape[axis]; i++) {
      out.push(axis === shape.length - 1 ? data[offset + i] : build(offset + i * stride, axis + 1));
    }
    return out;
  };
  return build(0, 0);
}
