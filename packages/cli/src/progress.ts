import type { EventHandler, TrainerEvent } from "@adaptive-sparse/trainer";

export type ProgressMode = "auto" | "bar" | "lines" | "json" | "quiet";

const bar = (fraction: number, width = 24) => {
  const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
};

const duration = (seconds: number) =>
  !Number.isFinite(seconds) ? "?" : seconds >= 60 ? `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, "0")}s` : `${seconds.toFixed(0)}s`;

/**
 * Turns trainer events into progress output: a live bar on a terminal (calibration blocks, then step, tokens/s,
 * loss, ETA), plain periodic lines when not a TTY (CI logs), one JSON object per event with `json`, nothing with `quiet`.
 */
export function progressReporter(label: string, mode: ProgressMode = "auto", stream: NodeJS.WriteStream = process.stderr): EventHandler {
  const resolved = mode === "auto" ? (stream.isTTY ? "bar" : "lines") : mode;
  let total = 0;
  let lastLine = 0;
  // Progress through `count` things: a bar redrawn in place on a terminal (ending its line at the last one when
  // `endLine`), in a log the first, the last and a line every 10 s between.
  const show = (text: string, done: number, count: number, endLine: boolean) => {
    if (resolved === "bar") stream.write(`\r${text}\u001b[K${endLine && done === count ? "\n" : ""}`);
    else if (done === 1 || done === count || performance.now() - lastLine > 10_000) {
      lastLine = performance.now();
      stream.write(`${text}\n`);
    }
  };
  return (event: TrainerEvent) => {
    if (resolved === "quiet") return;
    if (resolved === "json") {
      process.stdout.write(`${JSON.stringify({ run: label, ...event })}\n`);
      return;
    }
    if (event.type === "calibration") {
      // Before the run starts: every block of the model over the calibration windows (minutes on a real model).
      const eta = (event.elapsed / event.block) * (event.blocks - event.block);
      show(`${label} calibration ${bar(event.block / event.blocks)} block ${event.block}/${event.blocks}  ${event.windows} windows  ETA ${duration(eta)}`, event.block, event.blocks, true);
    }
    if (event.type === "start") total = event.steps;
    if (event.type === "step") {
      const done = event.step + 1;
      const eta = event.tokensPerSecond > 0 && total ? ((total - done) * event.elapsed) / Math.max(done, 1) : NaN;
      show(`${label} ${bar(done / Math.max(total, 1))} step ${done}/${total}  loss ${event.loss.toFixed(4)}  ${Math.round(event.tokensPerSecond)} tok/s  ETA ${duration(eta)}`, done, total, false);
    }
    if (event.type === "eval") {
      const text = Object.entries(event.perplexity).map(([name, value]) => `${name} ppl ${value.toFixed(2)}`).join(", ");
      stream.write(`${resolved === "bar" ? "\n" : ""}${label} step ${event.step}: ${text}\n`);
    }
    if (event.type === "checkpoint" && resolved !== "bar") stream.write(`${label} checkpoint at step ${event.step}: ${event.dir}\n`);
    if (event.type === "done" && resolved === "bar") stream.write("\n");
  };
}
