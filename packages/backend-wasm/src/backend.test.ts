import { createRegistry, getDefaultBackend, matmul, pad, scatterAdd, setDefaultBackend, tensor, tidy, zeros } from "@adaptive-sparse/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWasmBackend, enableRelaxedSimdInNode, registerWasmBackend, relaxedSimdSupported, wasmBackendPlugin, type WasmBackend } from "./index.js";
import { referenceGemm, relativeFrobenius, seededArray } from "./test-helpers.js";

/** The [cols, rows] transpose of a row-major [rows, cols] matrix. */
function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c]!;
  return t;
}

describe("createWasmBackend", () => {
  let backend: WasmBackend;
  let previous: ReturnType<typeof getDefaultBackend>;
  beforeAll(async () => {
    previous = getDefaultBackend();
    backend = await createWasmBackend({ gemm: "wasm", threads: 2, residentBytes: 1 << 20 });
    setDefaultBackend(backend);
  });
  afterAll(() => {
    setDefaultBackend(previous);
    backend.dispose();
  });

  it("enableRelaxedSimdInNode makes the fused multiply-add build available (a V8 flag on Node 20-21, built in from 22)", async () => {
    expect(await enableRelaxedSimdInNode()).toBe(true);
    expect(relaxedSimdSupported()).toBe(true);
    const relaxed = await createWasmBackend({ gemm: "wasm", threads: 1 });
    try {
      expect(relaxed.relaxedSimd).toBe(true);
      const a = seededArray(24 * 40, 11);
      const b = seededArray(40 * 16, 12);
      const c = new Float32Array(24 * 16);
      relaxed.gemm(a, b, c, { m: 24, n: 16, k: 40, transA: false, transB: false });
      expect(relativeFrobenius(c, referenceGemm(a, b, 24, 16, 40))).toBeLessThanOrEqual(1e-5);
    } finally {
      relaxed.dispose();
    }
  });

  it("reports what it runs with", () => {
    expect(backend.name).toBe("wasm");
    expect(backend.gemmPath).toBe("wasm");
    expect(backend.blasLibrary).toBeNull();
    expect(backend.threads).toBe(2);
    expect(backend.capabilities.syncRead).toBe(true);
  });

  it("runs core's matmul (batched, broadcast) through the wasm GEMM", () => {
    const a = seededArray(2 * 5 * 6, 1);
    const b = seededArray(3 * 6 * 4, 2);
    const result = tidy(() => matmul(tensor(a, { shape: [2, 1, 5, 6] }), tensor(b, { shape: [3, 6, 4] })).dataSync());
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 3; j++) {
        const expected = referenceGemm(a.subarray(i * 30, i * 30 + 30), b.subarray(j * 24, j * 24 + 24), 5, 4, 6);
        const got = result.subarray((i * 3 + j) * 20, (i * 3 + j + 1) * 20);
        expect(relativeFrobenius(got, expected)).toBeLessThanOrEqual(1e-6);
      }
    }
  });

  it("keeps its buffers in the kernels' shared memory: the GEMM reads them in place, with nothing made resident", () => {
    const x = tensor(seededArray(64 * 32, 3), { shape: [64, 32] });
    const w = tensor(seededArray(48 * 32, 4), { shape: [48, 32] });
    expect(x.storage.handle).toBeInstanceOf(Float32Array);
    expect((x.storage.handle as Float32Array).buffer).toBeInstanceOf(SharedArrayBuffer);
    const live = backend.liveBuffers();
    const got = tidy(() => matmul(x, w, { transB: true }).dataSync());
    expect(backend.liveBuffers()).toBe(live); // tidy freed the product's buffer, and the count saw it
    expect(backend.residentBytes()).toBe(0);
    expect(relativeFrobenius(got, referenceGemm(x.dataSync() as Float32Array, transpose(w.dataSync() as Float32Array, 48, 32), 64, 48, 32))).toBeLessThanOrEqual(1e-6);
    [x, w].forEach((t) => t.dispose());
    expect(backend.liveBuffers()).toBe(live - 2);
  });

  it("zero-fills a fresh buffer lazily: zeros(), Pad's border and ScatterAdd's table read 0 over reused dirty memory", () => {
    // Dirty the memory: a buffer full of 5s, freed, so the next allocations of its size reuse the block.
    tensor(new Float32Array(4096).fill(5), { shape: [4096] }).dispose();
    const z = zeros([4096]);
    expect(z.dataSync().every((v) => v === 0)).toBe(true);
    z.dispose();
    tensor(new Float32Array(4096).fill(5), { shape: [4096] }).dispose();
    const padded = Array.from(tidy(() => pad(tensor([1, 2], { shape: [2] }), [2046], [2048]).dataSync()));
    expect([padded[2045], padded[2046], padded[2047], padded[2048], padded.reduce((a, b) => a + b, 0)]).toEqual([0, 1, 2, 0, 3]);
    tensor(new Float32Array(4096).fill(5), { shape: [4096] }).dispose();
    const table = Array.from(tidy(() => scatterAdd(tensor([1, 2, 3, 4], { shape: [2, 2] }), tensor([3, 3], { dtype: "i32" }), 2048).dataSync()));
    expect([table[0], table[6], table[7], table.reduce((a, b) => a + b, 0)]).toEqual([0, 4, 6, 10]);
  });

  it("with host-array buffers (one thread: an unshared memory), keeps a weight resident between calls and re-copies it after write() or a kernel writes into it", async () => {
    const single = await createWasmBackend({ gemm: "wasm", threads: 1, residentBytes: 1 << 20 });
    setDefaultBackend(single);
    try {
      residentWeightChecks(single);
    } finally {
      setDefaultBackend(backend);
      single.dispose();
    }
  });

  function residentWeightChecks(backend: WasmBackend): void {
    const x = tensor(seededArray(64 * 32, 3), { shape: [64, 32] });
    const w = tensor(seededArray(48 * 32, 4), { shape: [48, 32] });
    const product = () => tidy(() => matmul(x, w, { transB: true }).dataSync());
    const first = product();
    expect(backend.residentBytes()).toBe((64 * 32 + 48 * 32) * 4); // both operands stayed in wasm memory
    expect(product()).toEqual(first); // the second call reads the resident copies
    // write(): the backend's own write path.
    const doubled = w.dataSync().map((v) => v * 2);
    backend.write(w.storage.handle as Float32Array, doubled);
    expect(relativeFrobenius(product(), Array.from(first, (v) => v * 2))).toBeLessThanOrEqual(1e-6);
    // A kernel writing into an existing buffer (how nn's copyInto updates parameters).
    const source = tensor(seededArray(48 * 32, 5), { shape: [48, 32] });
    const handle = (t: typeof w) => t.storage.handle as Float32Array;
    backend.kernels.Cast({ handle: handle(w), shape: w.shape, dtype: "f32" }, [{ handle: handle(source), shape: source.shape, dtype: "f32" }], { dtype: "f32" });
    const expected = tidy(() => matmul(x, source, { transB: true }).dataSync());
    expect(product()).toEqual(expected);
    [x, w, source].forEach((t) => t.dispose());
    expect(backend.residentBytes()).toBe(0); // freeing the buffers dropped their resident copies
  }

  it("stays correct when host-array operands exceed the resident budget (1 MiB here), and with buffers in wasm memory", async () => {
    const a = seededArray(300 * 700, 6);
    const b = seededArray(700 * 200, 7);
    const expected = referenceGemm(a, b, 300, 200, 700);
    const single = await createWasmBackend({ gemm: "wasm", threads: 1, residentBytes: 1 << 20 });
    try {
      for (const on of [single, backend]) {
        setDefaultBackend(on);
        for (let round = 0; round < 2; round++) {
          const got = tidy(() => matmul(tensor(a, { shape: [300, 700] }), tensor(b, { shape: [700, 200] })).dataSync());
          expect(relativeFrobenius(got, expected)).toBeLessThanOrEqual(1e-5);
        }
      }
      expect(single.residentBytes()).toBeLessThanOrEqual(1 << 20);
    } finally {
      setDefaultBackend(backend);
      single.dispose();
    }
  });

  it("falls back to the cpu kernel for f64", () => {
    const got = tidy(() => matmul(tensor([[1, 2], [3, 4]], { dtype: "f64" }), tensor([[5, 6], [7, 8]], { dtype: "f64" })).dataSync());
    expect(got).toBeInstanceOf(Float64Array);
    expect(Array.from(got)).toEqual([19, 22, 43, 50]);
  });

  it("survives many back-to-back pool runs (the worker hand-off protocol)", () => {
    const a = seededArray(96 * 200, 8);
    const b = seededArray(200 * 96, 9);
    const expected = referenceGemm(a, b, 96, 96, 200);
    const c = new Float32Array(96 * 96);
    for (let i = 0; i < 200; i++) {
      c.fill(Number.NaN);
      backend.gemm(a, b, c, { m: 96, n: 96, k: 200, transA: false, transB: false });
      if (relativeFrobenius(c, expected) > 1e-5) throw new Error(`run ${i} went wrong`);
    }
  });

  it("rejects unknown and invalid options with the valid keys", async () => {
    await expect(createWasmBackend({ thread: 2 } as never)).rejects.toThrow(/unknown option "thread" \(valid options: threads, gemm, residentBytes, relaxedSimd, blasLibraries\)/);
    await expect(createWasmBackend({ gemm: "mkl" } as never)).rejects.toThrow(/gemm/);
  });
});

describe("registry", () => {
  it("registers backend \"wasm\" above cpu and creates it", async () => {
    const registry = createRegistry();
    registerWasmBackend(registry);
    expect(registry.names("backend")).toEqual(["wasm"]);
    const plugin = registry.get("backend", "wasm");
    expect(plugin).toBe(wasmBackendPlugin);
    expect(plugin.priority).toBeGreaterThan(0);
    expect(plugin.apiVersion).toBe(1);
    expect(await plugin.isAvailable()).toBe(true);
    const backend = (await wasmBackendPlugin.create({ threads: 1, gemm: "wasm" })) as WasmBackend;
    expect(backend.threads).toBe(1);
    backend.dispose();
    expect(() => registerWasmBackend(registry)).toThrow(/already registered/);
  });
});

