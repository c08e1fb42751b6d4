import type { TrainerEvent } from "@adaptive-sparse/trainer";
import { describe, expect, it } from "vitest";
import { progressReporter } from "../../src/progress.js";

/** A stream that records what is written (a terminal or not). */
function recorder(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const chunks: string[] = [];
  const stream = { isTTY, write: (chunk: string) => chunks.push(chunk) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, text: () => chunks.join("") };
}

const calibration = (block: number): TrainerEvent => ({ type: "calibration", block, blocks: 4, windows: 128, tokens: 131072, elapsed: 30 * block });

describe("progressReporter", () => {
  it("shows calibration block by block before the run starts: lines in a log, one bar on a terminal", () => {
    const log = recorder(false);
    const lines = progressReporter("prune", "auto", log.stream);
    for (const block of [1, 2, 3, 4]) lines(calibration(block));
    // The first and the last block (and one every 10 s in between): the ETA from the time per block so far.
    expect(log.text()).toBe(
      "prune calibration [######------------------] block 1/4  128 windows  ETA 1m30s\n" +
        "prune calibration [########################] block 4/4  128 windows  ETA 0s\n",
    );
    const terminal = recorder(true);
    const bar = progressReporter("prune", "auto", terminal.stream);
    for (const block of [1, 2]) bar(calibration(block));
    expect(terminal.text()).toBe("\rprune calibration [######------------------] block 1/4  128 windows  ETA 1m30s\u001b[K\rprune calibration [############------------] block 2/4  128 windows  ETA 1m00s\u001b[K");
    bar(calibration(4));
    expect(terminal.text().endsWith("block 4/4  128 windows  ETA 0s\u001b[K\n")).toBe(true); // the step bar starts on its own line
  });
});
