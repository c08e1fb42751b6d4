import type { EventHandler, TrainerEvent } from "./events.js";

/** Options of {@link consoleLogger}. */
export interface ConsoleLoggerOptions {
  /** Print every n-th step event (default 10); start, refresh, eval, checkpoint and done always print. */
  readonly every?: number;
  /** Where lines go (default `console.log`). */
  readonly write?: (line: string) => void;
}

function fixed(value: number, digits = 4): string {
  return Number.isFinite(value) ? value.toFixed(digits) : String(value);
}

function format(event: TrainerEvent): string {
  switch (event.type) {
    case "calibration":
      return `[calibration] block ${event.block}/${event.blocks} (${event.windows} windows, ${event.tokens} tokens) after ${event.elapsed.toFixed(1)} s`;
    case "start":
      return `[start] ${event.method}: steps ${event.step}…${event.steps}, ${event.sparseLayers} sparse layers (${event.prunableWeights} prunable weights)` +
        (event.resumedFrom ? `, resumed from ${event.resumedFrom}` : "");
    case "step":
      return `[step ${event.step}] loss ${fixed(event.loss)} lr ${event.lr.toExponential(2)} λ ${event.decay.toExponential(2)} ` +
        `|g| ${fixed(event.gradNorm, 3)} ${Math.round(event.tokensPerSecond)} tok/s`;
    case "refresh":
      return `[refresh ${event.step}] flips vs previous ${event.flipsPrevious} (${(100 * event.ratioPrevious).toFixed(3)}%), ` +
        `vs initial ${event.flipsInitial} (${(100 * event.ratioInitial).toFixed(3)}%)` + (event.decision ? ` λ ${event.decision.action} → ${event.decision.lambda.toExponential(2)}` : "");
    case "eval":
      return `[eval ${event.step}${event.final ? " final" : ""}] ` + Object.entries(event.perplexity).map(([name, ppl]) => `${name} ppl ${fixed(ppl, 2)}`).join(", ");
    case "checkpoint":
      return `[checkpoint ${event.step}] ${event.dir} (${event.reason})`;
    case "done":
      return `[done] ${event.summary.status} after ${event.summary.steps} steps in ${event.summary.elapsed.toFixed(1)} s, sparsity ${(100 * event.summary.sparsity).toFixed(1)}%`;
  }
}

/**
 * An event handler that prints one line per event (step events every `every` steps).
 * @example await train({ ..., onEvent: consoleLogger({ every: 50 }) });
 */
export function consoleLogger(options: ConsoleLoggerOptions = {}): EventHandler {
  const every = options.every ?? 10;
  const write = options.write ?? ((line: string) => console.log(line));
  return (event) => {
    if (event.type === "step" && event.step % every !== 0) return;
    write(format(event));
  };
}
