/** A compiled program and the layout its bind groups use. */
export interface CachedPipeline {
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
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
      const pipeline = this.device.createComputePipeline({ layout: "auto", compute: { module, entryPoint: "main" } });
      entry = { pipeline, layout: pipeline.getBindGroupLayout(0) };
      this.#pipelines.set(code, entry);
    }
    return entry;
  }

  get size(): number {
    return this.#pipelines.size;
  }
}
