import type { BufferPool } from "./buffer-pool.js";
import type { Profiler } from "./profiler.js";
import { COPY_DST, STORAGE } from "./usage.js";

/**
 * Records kernels into one command encoder and submits them together (on a read, a flush, or when the batch
 * is full). Kernel parameters go into a host-side arena that is uploaded with a single `writeBuffer` just
 * before the submit; queue order guarantees the previous batch has finished reading the arena by then.
 *
 * Buffers freed while the batch still references them return to the pool only after the submit, so a
 * `queue.writeBuffer` into a recycled buffer (which runs before the batch's commands) can never overwrite
 * data an unsubmitted command still needs.
 */
export class CommandBatch {
  /** Id of the open batch; handles remember the last batch that referenced them. */
  id = 1;
  submits = 0;
  #encoder: GPUCommandEncoder | null = null;
  #pass: GPUComputePassEncoder | null = null;
  #commands = 0;
  readonly #arena: GPUBuffer;
  readonly #arenaHost: Uint32Array;
  #arenaUsed = 0;
  #afterSubmit: { buffer: GPUBuffer; pool: BufferPool }[] = [];

  constructor(
    private readonly device: GPUDevice,
    private readonly alignment: number,
    arenaBytes: number,
    private readonly maxCommands: number,
    private readonly profiler: Profiler | null = null,
  ) {
    this.#arena = device.createBuffer({ size: arenaBytes, usage: STORAGE | COPY_DST });
    this.#arenaHost = new Uint32Array(arenaBytes / 4);
  }

  /** True when commands wait to be submitted. */
  get pending(): boolean {
    return this.#commands > 0;
  }

  /** The encoder for copies and clears (closes an open compute pass). */
  encoder(): GPUCommandEncoder {
    this.#commands++;
    if (this.#pass) {
      this.#pass.end();
      this.#pass = null;
    }
    this.#encoder ??= this.device.createCommandEncoder();
    return this.#encoder;
  }

  /** Copies `words` into the arena and returns their binding; submits first when the arena is full. */
  params(words: readonly number[]): GPUBufferBinding {
    const bytes = Math.max(4, words.length * 4);
    if (bytes > this.#arenaHost.byteLength) throw new Error(`kernel parameters (${bytes} bytes) exceed the arena`);
    if (this.#arenaUsed + bytes > this.#arenaHost.byteLength) this.submit();
    const offset = this.#arenaUsed;
    this.#arenaHost.set(words, offset / 4);
    this.#arenaUsed = Math.ceil((offset + bytes) / this.alignment) * this.alignment;
    return { buffer: this.#arena, offset, size: bytes };
  }

  /** Records one dispatch; `params` must come from {@link params} in the same batch. */
  dispatch(pipeline: GPUComputePipeline, bindGroup: GPUBindGroup, groups: readonly [number, number, number], label = "", offsets: readonly number[] = []): void {
    if (this.profiler?.enabled) {
      // Profiling: a pass per dispatch, so its begin/end timestamps bracket this kernel alone.
      this.#pass?.end();
      this.#encoder ??= this.device.createCommandEncoder();
      this.#pass = this.#encoder.beginComputePass(this.profiler.passFor(label));
      this.#pass.setPipeline(pipeline);
      this.#pass.setBindGroup(0, bindGroup, offsets);
      this.#pass.dispatchWorkgroups(groups[0], groups[1], groups[2]);
      this.#pass.end();
      this.#pass = null;
      if (++this.#commands >= this.maxCommands) this.submit();
      return;
    }
    if (!this.#pass) {
      this.#encoder ??= this.device.createCommandEncoder();
      this.#pass = this.#encoder.beginComputePass();
    }
    this.#pass.setPipeline(pipeline);
    this.#pass.setBindGroup(0, bindGroup, offsets);
    this.#pass.dispatchWorkgroups(groups[0], groups[1], groups[2]);
    if (++this.#commands >= this.maxCommands) this.submit();
  }

  /** Gives `buffer` back to `pool` once the commands recorded so far are submitted. */
  releaseAfterSubmit(buffer: GPUBuffer, pool: BufferPool): void {
    this.#afterSubmit.push({ buffer, pool });
  }

  submit(): void {
    if (this.#pass) {
      this.#pass.end();
      this.#pass = null;
    }
    if (this.#encoder) {
      if (this.#arenaUsed > 0) this.device.queue.writeBuffer(this.#arena, 0, this.#arenaHost, 0, this.#arenaUsed / 4);
      const afterSubmit = this.profiler?.beforeSubmit(this.#encoder);
      this.device.queue.submit([this.#encoder.finish()]);
      afterSubmit?.();
      this.submits++;
    }
    this.#encoder = null;
    this.#commands = 0;
    this.#arenaUsed = 0;
    this.id++;
    const released = this.#afterSubmit;
    this.#afterSubmit = [];
    for (const { buffer, pool } of released) pool.release(buffer);
  }

  destroy(): void {
    this.#arena.destroy();
  }
}
