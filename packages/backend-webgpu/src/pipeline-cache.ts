/** A compiled program, the layout its bind groups use, and its id (part of bind-group cache keys). */
export interface CachedPipeline {
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
  readonly id: number;
}

const COMPUTE = 0x4; // GPUShaderStage.COMPUTE
const BINDING = /@group\(0\)\s*@binding\((\d+)\)\s*var<storage,\s*(read_write|read)>/g;

/**
 * The explicit bind group layout of a program, read from its `@binding` declarations: binding 0 (the
 * parameters) takes a dynamic offset into the batch's parameter arena, so one bind group serves every
 * dispatch of the same program over the same buffers (see `bind-groups.ts`).
 */
export function layoutEntries(code: string): GPUBindGroupLayoutEntry[] {
  return [...code.matchAll(BINDING)].map(([, binding, access]) => ({
    binding: Number(binding),
    visibility: COMPUTE,
    buffer: { type: access === "read" ? "read-only-storage" : "storage", hasDynamicOffset: binding === "0" },
  }));
}

/**
 * Compute pipelines keyed by their WGSL source. Programs bake their specialisation (dtype, broadcast modes,
 * transposes) into the source, so the source is the cache key (tfjs' `shaderKey` idea without a second key).
 */
export class PipelineCache {
  readonly #pipelines = new Map<string, CachedPipeline>();

  constructor(private readonly device: GPUDevice) {}

  get(code: string): CachedPipeline {
    let entry = this.#pipelines.get(code);
    if (!entry) {
      const module = this.device.createShaderModule({ code });
      const layout = this.device.createBindGroupLayout({ entries: layoutEntries(code) });
      const pipelineLayout = this.device.createPipelineLayout({ bindGroupLayouts: [layout] });
      const pipeline = this.device.createComputePipeline({ layout: pipelineLayout, compute: { module, entryPoint: "main" } });
      entry = { pipeline, layout, id: this.#pipelines.size };
      this.#pipelines.set(code, entry);
    }
    return entry;
  }

  get size(): number {
    return this.#pipelines.size;
  }
}
