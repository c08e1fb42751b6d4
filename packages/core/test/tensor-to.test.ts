import { describe, expect, it } from "vitest";
import { BackendError, createCpuBackend, DisposedError, memory, tensor, type Backend } from "../src/index.js";

// A backend that reads asynchronously only (as webgpu does): the cpu backend without readSync.
function asyncOnly(): Backend {
  const inner = createCpuBackend();
  return Object.assign(Object.create(Object.getPrototypeOf(inner) as object) as Backend, inner, { name: "async-cpu", readSync: undefined });
}

describe("Tensor.to / moveTo", () => {
  it("copies the values to another backend and returns the same tensor on its own backend", async () => {
    const a = createCpuBackend();
    const b = createCpuBackend();
    const t = tensor([[1, 2], [3, 4]], { backend: a });
    expect(await t.to(a)).toBe(t);
    const moved = await t.to(b);
    expect(moved).not.toBe(t);
    expect(moved.backend).toBe(b);
    expect(moved.shape).toEqual([2, 2]);
    expect(Array.from(await moved.data())).toEqual([1, 2, 3, 4]);
    expect(moved.toSync(a).backend).toBe(a);
    const ids = tensor([7, -1], { dtype: "i32", backend: a });
    const idsB = ids.toSync(b);
    expect(idsB.dtype).toBe("i32");
    expect(Array.from(idsB.dataSync())).toEqual([7, -1]);
  });

  it("moveTo keeps the object, frees the old buffer and leaves the live-tensor count unchanged", async () => {
    const a = createCpuBackend();
    const b = createCpuBackend();
    const t = tensor([5, 6, 7], { backend: a });
    const live = memory().tensors;
    const before = a.stats().liveBuffers;
    await t.moveTo(b);
    expect(t.backend).toBe(b);
    expect(Array.from(t.dataSync())).toEqual([5, 6, 7]);
    expect(a.stats().liveBuffers).toBe(before - 1);
    expect(memory().tensors).toBe(live);
    t.moveToSync(a);
    expect(t.backend).toBe(a);
    expect(Array.from(t.dataSync())).toEqual([5, 6, 7]);
    t.dispose();
  });

  it("toSync on an async-only source says to await to()", async () => {
    const src = asyncOnly();
    const t = tensor([1], { backend: src });
    expect(() => t.toSync(createCpuBackend())).toThrow(BackendError);
    expect(() => t.toSync(createCpuBackend())).toThrow(/reads asynchronously only; use await tensor.data\(\)/);
    expect(Array.from(await (await t.to(createCpuBackend())).data())).toEqual([1]);
  });

  it("a disposed tensor cannot move", async () => {
    const t = tensor([1], { backend: createCpuBackend() });
    t.dispose();
    await expect(t.to(createCpuBackend())).rejects.toThrow(DisposedError);
  });
});
