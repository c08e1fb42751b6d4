import { cast, concat, noGrad, tidy, type Backend, type Tensor } from "@adaptive-sparse/core";
import { NonFiniteLossError } from "./errors.js";
import type { RefreshEvent, StepEvent, TrainerEvent } from "./events.js";
import type { FlipStats } from "./sparse-model.js";
import type { StepRecord } from "./train-step.js";

/** A step whose metrics are still on the device, with what the event needs besides them. */
interface PendingStep {
  readonly kind: "step";
  readonly step: number;
  readonly record: StepRecord;
  readonly lr: number;
  readonly decay: number;
  /** Training tokens consumed after this step (including before a resume). */
  readonly tokens: number;
  readonly elapsed: number;
}

/** A refresh whose flip counts (i32 `[layers, 2]`, or the model-wide `[2]` totals) are still on the device. */
interface PendingRefresh {
  readonly kind: "refresh";
  readonly step: number;
  readonly counts: Tensor;
  readonly stats: (counts: ArrayLike<number>) => FlipStats;
}

type Pending = PendingStep | PendingRefresh;

/**
 * Holds step metrics and refresh flip counts on the device between logging points and turns them into
 * events in order at {@link DeviceLog.flush}: one read for all float metrics and one for all flip
 * counts, so a training step itself never waits for the device. The last step event of a flush
 * carries the backend's host↔device byte counts since the previous flush (acceptance: only token ids
 * go up and only the logged scalars come down).
 */
export class DeviceLog {
  #pending: Pending[] = [];
  #losses: number[] = [];
  #last: { time: number; hostToDevice: number; deviceToHost: number };
  /** The last checkpoint written (named when a non-finite loss stops the run). */
  checkpoint: string | null = null;

  constructor(
    private readonly backend: Backend,
    private readonly emit: (event: TrainerEvent) => Promise<void>,
    /** `logging-step`: only the latest step's metrics are kept (earlier ones are dropped on the device, unread). */
    private readonly values: "every-step" | "logging-step" = "every-step",
  ) {
    this.#last = this.#mark();
  }

  /** Mean loss of every step flushed so far, in order. */
  get losses(): number[] {
    return this.#losses;
  }

  /** True when nothing waits to be read. */
  get empty(): boolean {
    return this.#pending.length === 0;
  }

  #mark(): { time: number; hostToDevice: number; deviceToHost: number } {
    const stats = this.backend.stats();
    return { time: performance.now(), hostToDevice: stats.hostToDeviceBytes, deviceToHost: stats.deviceToHostBytes };
  }

  /** Starts the byte and time counters of the first logging interval now (the loop's start, after setup). */
  start(): void {
    this.#last = this.#mark();
  }

  step(entry: Omit<PendingStep, "kind">): void {
    if (this.values === "logging-step") {
      for (const pending of this.#pending) if (pending.kind === "step") pending.record.values.dispose();
      this.#pending = this.#pending.filter((pending) => pending.kind !== "step");
    }
    this.#pending.push({ kind: "step", ...entry });
  }

  refresh(step: number, counts: Tensor, stats: (counts: ArrayLike<number>) => FlipStats): void {
    this.#pending.push({ kind: "refresh", step, counts, stats });
  }

  /** Reads every pending tensor, emits the events in order and frees the tensors. */
  async flush(): Promise<void> {
    if (this.#pending.length === 0) return;
    const pending = this.#pending;
    this.#pending = [];
    const steps = pending.filter((entry): entry is PendingStep => entry.kind === "step");
    const refreshes = pending.filter((entry): entry is PendingRefresh => entry.kind === "refresh");
    let values: ArrayLike<number> = [];
    let counts: ArrayLike<number> = [];
    try {
      values = await readAll(steps.map((entry) => entry.record.values));
      counts = await readAll(refreshes.map((entry) => entry.counts));
    } finally {
      for (const entry of pending) (entry.kind === "step" ? entry.record.values : entry.counts).dispose();
    }
    const now = this.#mark();
    const tokens = steps.reduce((total, entry) => total + entry.record.tokens, 0);
    const tokensPerSecond = tokens / Math.max((now.time - this.#last.time) / 1000, 1e-9);
    const transfer = { hostToDeviceBytes: now.hostToDevice - this.#last.hostToDevice, deviceToHostBytes: now.deviceToHost - this.#last.deviceToHost };
    this.#last = now;
    let stepIndex = 0;
    let countIndex = 0;
    for (const entry of pending) {
      if (entry.kind === "refresh") {
        const size = entry.counts.size;
        const stats = entry.stats(Array.from({ length: size }, (_, i) => counts[countIndex + i]));
        countIndex += size;
        await this.emit({ type: "refresh", step: entry.step, ...stats, decision: null } satisfies RefreshEvent);
        continue;
      }
      const at = 5 * stepIndex++;
      const { gradAccum, present } = entry.record;
      const mean = (i: number, on: boolean) => (on ? values[at + i] / gradAccum : null);
      const loss = values[at] / gradAccum;
      if (!Number.isFinite(loss)) throw this.#nonFinite(loss, entry.step);
      this.#losses.push(loss);
      const event: StepEvent = {
        type: "step",
        step: entry.step,
        loss,
        losses: { task: mean(1, present.task), kl: mean(2, present.kl), layerwise: mean(3, present.layerwise) },
        lr: entry.lr,
        decay: entry.decay,
        gradNorm: values[at + 4],
        tokens: entry.tokens,
        tokensPerSecond,
        elapsed: entry.elapsed,
        ...(stepIndex === steps.length ? transfer : { hostToDeviceBytes: null, deviceToHostBytes: null }),
      };
      await this.emit(event);
    }
  }

  #nonFinite(loss: number, step: number): NonFiniteLossError {
    const checkpoint = this.checkpoint;
    return new NonFiniteLossError(
      `train: the loss is ${loss} at step ${step}; the run stopped at the next logging point (losses are read every log.every steps, so the weights in memory may include later updates). ` +
        (checkpoint ? `The last good checkpoint is ${checkpoint}. ` : "No checkpoint was saved in this run. ") +
        `Lower lr, check the data for out-of-range tokens, or resume from the checkpoint with a smaller learning rate`,
      step,
      checkpoint,
    );
  }

  /** Frees whatever is still pending (a run that stopped with an error). */
  dispose(): void {
    for (const entry of this.#pending) (entry.kind === "step" ? entry.record.values : entry.counts).dispose();
    this.#pending = [];
  }
}

/** The values of several tensors of one dtype family, with one read (a concat on the device first). */
async function readAll(tensors: readonly Tensor[]): Promise<ArrayLike<number>> {
  if (tensors.length === 0) return [];
  const joined = tensors.length === 1 ? tensors[0] : noGrad(() => tidy(() => concat(tensors.map((t) => cast(t, tensors[0].dtype).reshape([t.size])))));
  try {
    return await joined.data();
  } finally {
    if (joined !== tensors[0]) joined.dispose();
  }
}
