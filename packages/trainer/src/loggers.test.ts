import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consoleLogger } from "./console-logger.js";
import { combineHandlers, type TrainerEvent } from "./events.js";
import { jsonlLogger } from "./jsonl-logger.js";

const summary = { status: "completed", method: "ast", steps: 20, finalLoss: 1.5, perplexity: { val: 4.25 }, sparsity: 0.5, elapsed: 3.25, checkpoint: null } as const;
const EVENTS: TrainerEvent[] = [
  { type: "calibration", block: 2, blocks: 2, windows: 128, tokens: 131072, elapsed: 61.25 },
  { type: "start", method: "ast", step: 0, steps: 20, sparseLayers: 8, prunableWeights: 24576, resumedFrom: null },
  { type: "step", step: 0, loss: 1.23456, losses: { task: 1.5, kl: 1.1, layerwise: null }, lr: 0, decay: 0, gradNorm: 0.5, tokens: 64, tokensPerSecond: 1000.4, elapsed: 0.1 },
  { type: "step", step: 1, loss: 1.2, losses: { task: 1.5, kl: 1.1, layerwise: null }, lr: 1e-3, decay: 1e-4, gradNorm: 0.5, tokens: 128, tokensPerSecond: 1000, elapsed: 0.2 },
  { type: "refresh", step: 0, flipsPrevious: 24, flipsInitial: 24, ratioPrevious: 24 / 24576, ratioInitial: 24 / 24576, layers: [], decision: null },
  { type: "eval", step: 0, final: false, perplexity: { val: 4.5 }, loss: { val: Math.log(4.5) } },
  { type: "checkpoint", step: 10, dir: "runs/a", reason: "interval" },
  { type: "done", step: 20, summary },
];

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "trainer-loggers-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("loggers", () => {
  it("consoleLogger prints one line per event, step events every n steps", () => {
    const lines: string[] = [];
    const log = consoleLogger({ every: 2, write: (line) => lines.push(line) });
    for (const event of EVENTS) log(event);
    expect(lines).toEqual([
      "[calibration] block 2/2 (128 windows, 131072 tokens) after 61.3 s",
      "[start] ast: steps 0…20, 8 sparse layers (24576 prunable weights)",
      "[step 0] loss 1.2346 lr 0.00e+0 λ 0.00e+0 |g| 0.500 1000 tok/s",
      "[refresh 0] flips vs previous 24 (0.098%), vs initial 24 (0.098%)",
      "[eval 0] val ppl 4.50",
      "[checkpoint 10] runs/a (interval)",
      "[done] completed after 20 steps in 3.3 s, sparsity 50.0%",
    ]);
  });

  it("jsonlLogger appends one JSON line per event, buffered until a checkpoint or done", async () => {
    const path = join(work, "nested", "events.jsonl");
    const log = jsonlLogger(path, { bufferLines: 100 });
    for (const event of EVENTS.slice(0, 5)) await log(event);
    await expect(readFile(path, "utf8")).rejects.toThrow(/ENOENT/); // still buffered
    for (const event of EVENTS.slice(5)) await log(event);
    const lines = (await readFile(path, "utf8")).trimEnd().split("\n");
    expect(lines.map((line) => JSON.parse(line))).toEqual(EVENTS);
    // A second logger on the same file (a resumed run) appends.
    const again = jsonlLogger(path);
    await again(EVENTS[0]);
    await again.flush();
    expect((await readFile(path, "utf8")).trimEnd().split("\n")).toHaveLength(EVENTS.length + 1);
  });

  it("combineHandlers awaits each handler in order", async () => {
    const order: string[] = [];
    const handler = combineHandlers([
      async (e) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        order.push(`a:${e.type}`);
      },
      (e) => void order.push(`b:${e.type}`),
    ]);
    await handler(EVENTS[1]);
    await handler(EVENTS[7]);
    expect(order).toEqual(["a:start", "b:start", "a:done", "b:done"]);
  });
});
