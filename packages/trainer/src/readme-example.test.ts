import { Generator } from "@adaptive-sparse/core";
import { createWindowSampler } from "@adaptive-sparse/data";
import { GPT } from "@adaptive-sparse/nn";
import { afterEach, describe, expect, it, vi } from "vitest";
import { consoleLogger, train } from "./index.js";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("README example", () => {
  it("prunes a tiny GPT with AST", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));

    const shape = { nLayer: 2, nHead: 2, nEmbd: 32, blockSize: 16, vocabSize: 32 };
    const tokens = Uint16Array.from({ length: 4000 }, (_, i) => (i * 7 + (i >> 3)) % 32); // your token stream
    const teacher = new GPT(shape, { generator: new Generator(0) }); // your pretrained dense model
    const student = new GPT(shape);
    student.loadStateDict(teacher.stateDict()); // the copy that gets pruned

    const result = await train({
      config: {
        method: "ast",
        steps: 40,
        lr: { options: { max: 1e-2, min: 1e-3, warmupSteps: 4 } }, // "warmup-cosine"; totalSteps = steps
        decay: { options: { max: 0.1, rampSteps: 20 } }, // λ(t): "linear-ramp"
        refresh: { every: 5 }, // Δt
        distill: {}, // 0.33·CE + 0.67·KL(T = 2)
        slorb: { k: 16 }, // AST-Boosted
      },
      student,
      teacher,
      data: { train: createWindowSampler(tokens, { blockSize: 16, batchSize: 4, seed: 1337 }), validation: { val: tokens.subarray(0, 512) } },
      onEvent: consoleLogger({ every: 10 }),
    });
    console.log(result.summary.sparsity, result.summary.perplexity); // 0.5 { val: … }

    expect(result.status).toBe("completed");
    expect(result.summary.sparsity).toBe(0.5);
    expect(result.summary.perplexity.val).toBeGreaterThan(1);
    expect(lines[0]).toBe("[start] ast: steps 0…40, 8 sparse layers (24576 prunable weights)");
    expect(lines.filter((line) => line.startsWith("[step "))).toHaveLength(4);
    expect(lines.filter((line) => line.startsWith("[refresh "))).toHaveLength(9); // steps 0, 5, …, 35 and the final one
    expect(lines.some((line) => line.startsWith("[done] completed after 40 steps"))).toBe(true);
  });
});
