import { BackendError, NonFiniteError, ShapeError } from "@adaptive-sparse/core";
import { bindCublas, type Cublas } from "./cublas.js";
import { bindDriver, type CudaDriver, type CuHandle } from "./driver.js";
import type { KernelSource } from "./kernels/common.js";
import { loadKoffi, openLibraries } from "./koffi-loader.js";
import { KernelProfiler } from "./profiler.js";
import { bindNvrtc, compileCached, defaultCacheDir, targetArch, type Nvrtc } from "./nvrtc.js";

/** Options that pick the device and where compiled kernels are cached. */
export interface RuntimeOptions {
  device?: number;
  /** Folder for compiled kernels; null disables the disk cache. */
  cacheDir?: string | null;
}

/** The device, compiler, BLAS handle and compiled kernels of one backend. */
export class CudaRuntime {
  readonly driver: CudaDriver;
  readonly nvrtc: Nvrtc;
  readonly cublas: Cublas;
  readonly deviceName: string;
  readonly computeCapability: [number, number];
  readonly arch: number;
  private readonly cacheDir: string | null;
  private readonly functions = new Map<string, CuHandle>();
  /** Device int[4] where kernels record the first bad index or NaN (code, a, b, c). */
  readonly errorWord: bigint;
  readonly errorArg: BigUint64Array;
  errorsPending = false;
  launches = 0;
  compileMs = 0;
  /** Set to time every launch by kernel name (see `KernelProfiler`); null when off. */
  profiler: KernelProfiler | null = null;

  constructor(options: RuntimeOptions = {}) {
    const libs = openLibraries(["driver", "nvrtc", "cublas"]);
    this.driver = bindDriver(loadKoffi()!, libs.driver.lib, libs.driver.path);
    const device = options.device ?? 0;
    const count = this.driver.deviceCount();
    if (device < 0 || device >= count) throw new BackendError(`backend-cuda: device ${device} does not exist; this machine has ${count} CUDA device(s) (0..${count - 1})`);
    this.driver.useDevice(device);
    this.deviceName = this.driver.deviceName(device);
    this.computeCapability = this.driver.computeCapability(device);
    this.nvrtc = bindNvrtc(libs.nvrtc.lib, libs.nvrtc.path);
    this.arch = targetArch(this.nvrtc, ...this.computeCapability);
    this.cublas = bindCublas(libs.cublas.lib, libs.cublas.path);
    this.cacheDir = options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir;
    this.errorWord = this.driver.memAlloc(16);
    this.driver.memsetD32(this.errorWord, 0, 4);
    this.errorArg = new BigUint64Array([this.errorWord]);
  }

  /** The compiled kernel `k` of a generated source (compiled once per process, cached on disk across runs). */
  function(source: KernelSource): CuHandle {
    let fn = this.functions.get(source.source);
    if (!fn) {
      const start = performance.now();
      const cubin = compileCached(this.nvrtc, source.source, source.name, this.arch, this.cacheDir);
      fn = this.driver.moduleFunction(this.driver.moduleLoad(cubin), "k");
      this.compileMs += performance.now() - start;
      this.functions.set(source.source, fn);
    }
    return fn;
  }

  get compiledKernels(): number {
    return this.functions.size;
  }

  /** One thread per element, 256 per block. */
  launchElements(source: KernelSource, count: number, params: ArrayBufferView[]): void {
    if (count <= 0) return;
    this.launch(source, Math.ceil(count / 256), 256, params);
  }

  launch(source: KernelSource, blocks: number, threads: number, params: ArrayBufferView[]): void {
    if (blocks <= 0) return;
    const fn = this.function(source);
    const run = () => this.driver.launch(fn, [blocks, 1, 1], [threads, 1, 1], 0, params);
    if (this.profiler) this.profiler.around(source.name, run);
    else run();
    this.launches++;
  }

  /** Runs a library call (cuBLAS) under the profiler when it is on. */
  timed(name: string, call: () => void): void {
    if (this.profiler) this.profiler.around(name, call);
    else call();
  }

  /** Starts timing every launch by kernel name. */
  startProfiling(): KernelProfiler {
    this.profiler = new KernelProfiler(this.driver);
    return this.profiler;
  }

  /** Reads and clears the deferred error word; throws the recorded error (bad index, NaN score, bad target). */
  checkErrors(): void {
    if (!this.errorsPending) return;
    this.errorsPending = false;
    const word = new Int32Array(4);
    this.driver.copyDtoH(word, this.errorWord, 16);
    if (word[0] === 0) return;
    this.driver.memsetD32(this.errorWord, 0, 4);
    const [code, a, b, c] = word;
    switch (code) {
      case 1:
        throw new ShapeError(`Gather: index ${a} at position ${b} is out of range for a table of ${c} rows (valid: 0..${c! - 1})`);
      case 2:
        throw new ShapeError(`ScatterAdd: index ${a} at position ${b} is out of range for a table of ${c} rows (valid: 0..${c! - 1})`);
      case 3:
        throw new NonFiniteError(`GroupTopK: a score is NaN (flat index ${a}); masks need finite scores`);
      case 4:
        throw new ShapeError(`SoftmaxCrossEntropy: target ${a} in row ${b} is outside [0, ${c}) and is not the ignore index`);
      default:
        throw new BackendError(`backend-cuda: a kernel recorded unknown error ${code}`);
    }
  }
}
