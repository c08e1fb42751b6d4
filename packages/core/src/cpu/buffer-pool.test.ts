import { describe, expect, it } from "vitest";
import { createCpuBackend } from "./cpu-backend.js";

const MiB = 2 ** 20;

describe("cpu backend buffer pool", () => {
  it("gives a freed buffer back for the next allocation of its dtype and length, zeroed", () => {
    const cpu = createCpuBackend();
    const a = cpu.alloc("f32", 1024);
    a[3] = 5;
    cpu.free(a);
    expect(cpu.alloc("i32", 1024)).not.toBe(a);
    const b = cpu.alloc("f32", 1024);
    expect(b).toBe(a);
    expect(b[3]).toBe(0);
  });

  it("keeps freed buffers up to 1.25x the live peak, so a step's buffers survive to the next step", () => {
    const cpu = createCpuBackend();
    // A step whose live peak is three 32 MiB buffers, then a 16 MiB one allocated after they are freed.
    const big = [0, 1, 2].map(() => cpu.alloc("f32", (32 * MiB) / 4));
    for (const handle of big) cpu.free(handle); // pooled: 96 MiB, the live peak
    const late = cpu.alloc("f32", (16 * MiB) / 4);
    cpu.free(late); // pooled: 112 MiB, over the peak but within 1.25x of it
    // The next step gets every one of them back instead of fresh (page-faulting) arrays.
    const again = [0, 1, 2].map(() => cpu.alloc("f32", (32 * MiB) / 4));
    // (identity checks on booleans: a failing toBe on 8M-element arrays would diff them for minutes)
    expect(again.every((handle) => big.includes(handle))).toBe(true);
    expect(cpu.alloc("f32", (16 * MiB) / 4) === late).toBe(true);
  });

  it("drops what would take the pool past 1.25x the live peak", () => {
    const cpu = createCpuBackend();
    const big = [0, 1, 2].map(() => cpu.alloc("f32", (32 * MiB) / 4));
    for (const handle of big) cpu.free(handle); // pooled: 96 MiB
    const late = cpu.alloc("f32", (32 * MiB) / 4 + 1); // another length: pooled would be 128 MiB > 120 MiB
    cpu.free(late);
    expect(cpu.alloc("f32", (32 * MiB) / 4 + 1) === late).toBe(false);
  });
});
