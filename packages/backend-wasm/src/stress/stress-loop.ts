import type { BufferInfo, TypedArray } from "@adaptive-sparse/core";
import { createWasmBackend, type WasmBackend } from "../backend.js";
import { callKernel, firstDifference, maxRelativeError, stressCases, type StressCase } from "./stress-cases.js";

/** What {@link runStress} runs: for how long, on which pool sizes and SIMD builds. */
export interface StressOptions {
  readonly seconds: number;
  /** Pool sizes to cycle through (1 = no pool; more threads than cores oversubscribes on purpose). */
  readonly threads: readonly number[];
  /** SIMD builds to cycle through (true = relaxed, false = baseline). */
  readonly relaxed: readonly boolean[];
  /** A fresh backend (fresh 4 MiB memory that grows again, fresh workers) this often. */
  readonly backendSeconds?: number;
  readonly seed?: number;
  /** Stop after this many failed calls (default 20). */
  readonly maxFailures?: number;
  readonly log?: (line: string) => void;
}

export interface StressReport {
  readonly calls: number;
  readonly callsByOp: Record<string, number>;
  readonly backends: number;
  /** Pool runs per configuration, e.g. "threads 2, relaxed": 1234. */
  readonly callsByConfiguration: Record<string, number>;
  /** Wrong results (a task that ran twice or not at all shows here) and thrown errors, first 20. */
  readonly failures: readonly string[];
  readonly seconds: number;
}

/** Residency budget: small, so operands are evicted and re-copied, and the arena's blocks move. */
const RESIDENT_BYTES = 4 * 2 ** 20;

/** A seeded uniform generator in [0, 1) (mulberry32): the call order is reproducible for a seed. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Inputs as given (resident copies can be reused) or as fresh arrays (copied in again: new arena blocks). */
function inputsFor(test: StressCase, fresh: boolean): BufferInfo<TypedArray>[] {
  return test.inputs.map((input) => (fresh ? { ...input, handle: input.handle.slice() } : input));
}

function check(test: StressCase, actual: Float32Array): string | null {
  if (test.exact) {
    const at = firstDifference(actual, test.expected);
    return at < 0 ? null : `element ${at} is ${actual[at]}, the cpu kernel gives ${test.expected[at]}`;
  }
  const error = maxRelativeError(actual, test.expected);
  return error <= 1e-4 ? null : `relative error ${error} > 1e-4`;
}

/**
 * Loops the example's kernels on wasm backends for `seconds`, checking every result against the cpu
 * kernels: each call picks a case at random, with its inputs either the same arrays (resident hits) or
 * fresh copies (new blocks, evictions), so the arena grows, fills holes and shrinks between calls; every
 * `backendSeconds` the backend is replaced (memory grows from 4 MiB again, new workers). Configurations
 * (pool size × SIMD build) take turns.
 */
export async function runStress(options: StressOptions): Promise<StressReport> {
  const { seconds, threads, relaxed, backendSeconds = 2, seed = 1, maxFailures = 20, log = () => {} } = options;
  const random = generator(seed);
  const cases = stressCases();
  const configurations = threads.flatMap((count) => relaxed.map((fma) => ({ threads: count, relaxed: fma })));
  const callsByOp: Record<string, number> = {};
  const callsByConfiguration: Record<string, number> = {};
  const failures: string[] = [];
  let calls = 0;
  let backends = 0;
  const fail = (line: string) => {
    failures.push(line);
    log(line);
  };
  const start = performance.now();
  const elapsed = () => (performance.now() - start) / 1000;
  for (let turn = 0; elapsed() < seconds && failures.length < maxFailures; turn++) {
    const configuration = configurations[turn % configurations.length]!;
    const label = `threads ${configuration.threads}, ${configuration.relaxed ? "relaxed" : "baseline"}`;
    const backend: WasmBackend = await createWasmBackend({ threads: configuration.threads, relaxedSimd: configuration.relaxed, gemm: "wasm", residentBytes: RESIDENT_BYTES });
    backends++;
    const until = Math.min(seconds, elapsed() + backendSeconds);
    try {
      while (elapsed() < until && failures.length < maxFailures) {
        const test = cases[Math.floor(random() * cases.length)]!;
        calls++;
        callsByOp[test.op] = (callsByOp[test.op] ?? 0) + 1;
        callsByConfiguration[label] = (callsByConfiguration[label] ?? 0) + 1;
        try {
          const actual = callKernel(backend.kernels as unknown as Record<string, unknown>, test.op, inputsFor(test, random() < 0.5), test.attrs, test.outShape);
          const wrong = check(test, actual);
          if (wrong) fail(`${label}: ${test.name}: ${wrong}`);
        } catch (error) {
          fail(`${label}: ${test.name}: threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
        }
      }
    } finally {
      backend.dispose();
    }
    if (turn % configurations.length === configurations.length - 1) log(`${elapsed().toFixed(0)} s: ${calls} calls, ${backends} backends, ${failures.length} failures`);
  }
  return { calls, callsByOp, backends, callsByConfiguration, failures: failures.slice(0, 20), seconds: elapsed() };
}
