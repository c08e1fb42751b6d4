import type { CachedPipeline } from "./pipeline-cache.js";

/** A buffer binding of a dispatch (binding 0, the parameters, is bound with a dynamic offset instead). */
export interface Binding {
  readonly buffer: GPUBuffer;
  readonly size: number;
}

/**
 * Bind groups reused across dispatches: a training step runs the same programs over the same pooled buffers
 * every step, and creating a bind group per dispatch costs host time. The key is the pipeline, the parameter
 * binding's size and each buffer's identity and bound size. Buffers are never re-created under an id, so a
 * stale entry (its buffer destroyed) is never hit; the cache is simply emptied when it grows past `capacity`.
 */
export class BindGroupCache {
  readonly #groups = new Map<string, GPUBindGroup>();
  readonly #ids = new WeakMap<GPUBuffer, number>();
  #nextId = 1;
  hits = 0;
  misses = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly capacity = 8192,
  ) {}

  #id(buffer: GPUBuffer): number {
    let id = this.#ids.get(buffer);
    if (id === undefined) this.#ids.set(buffer, (id = this.#nextId++));
    return id;
  }

  get(pipeline: CachedPipeline, params: Binding, bindings: readonly Binding[]): GPUBindGroup {
    let key = `${pipeline.id}:${this.#id(params.buffer)}/${params.size}`;
    for (const { buffer, size } of bindings) key += `,${this.#id(buffer)}/${size}`;
    let group = this.#groups.get(key);
    if (group) {
      this.hits++;
      return group;
    }
    this.misses++;
    if (this.#groups.size >= this.capacity) this.#groups.clear();
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: params.buffer, offset: 0, size: params.size } }];
    bindings.forEach(({ buffer, size }, k) => entries.push({ binding: k + 1, resource: { buffer, offset: 0, size } }));
    group = this.device.createBindGroup({ layout: pipeline.layout, entries });
    this.#groups.set(key, group);
    return group;
  }
}
