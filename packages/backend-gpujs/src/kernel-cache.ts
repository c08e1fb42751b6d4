import type { GpuJsInstance, GpuJsKernel } from "./gpujs-module.js";

/**
 * gpu.js reads arrays of 2 to 4 elements as vector types (`Array(2)`..`Array(4)`), which its webasm and GL
 * transpilers then reject in scalar arithmetic; padding every argument to 5+ elements keeps them arrays.
 * Integer inputs become floats (exact below 2²⁴).
 */
function asKernelArray(arg: ArrayLike<number>): Float32Array {
  if (arg instanceof Float32Array && arg.length > 4) return arg;
  const out = new Float32Array(Math.max(5, arg.length));
  out.set(arg as ArrayLike<number>);
  return out;
}

/**
 * One gpu.js kernel per source string, compiled on first use with dynamic output and argument sizes so
 * every shape reuses it. gpu.js loops need a compile-time iteration cap; 2²⁴ is where float indices stop
 * being exact anyway.
 */
export class KernelCache {
  readonly #kernels = new Map<string, GpuJsKernel>();
  /** The gpu.js backends kernels actually ran on (gpu.js can silently degrade a kernel to `cpu`). */
  readonly modesUsed = new Set<string>();

  constructor(private readonly gpu: GpuJsInstance) {}

  call(source: string, n: number, args: readonly (ArrayLike<number>)[]): ArrayLike<number> | Promise<ArrayLike<number>> {
    let kernel = this.#kernels.get(source);
    if (!kernel) {
      kernel = this.gpu.createKernel(source, {
        output: [n],
        dynamicOutput: true,
        dynamicArguments: true,
        loopMaxIterations: 2 ** 24,
        tactic: "precision",
        // GL modes otherwise pack values into 8-bit RGBA texels.
        precision: "single",
      });
      this.#kernels.set(source, kernel);
    }
    kernel.setOutput([n]);
    const floats = args.map(asKernelArray);
    const result = kernel(...floats);
    const mode = kernel.kernel?.constructor.mode;
    if (mode) this.modesUsed.add(mode);
    return result;
  }

  get size(): number {
    return this.#kernels.size;
  }
}
