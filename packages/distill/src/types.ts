import type { Tensor } from "@adaptive-sparse/core";
import type { ZodType } from "zod";

/**
 * Everything a loss may read in one training step. Each loss takes what it needs and throws a
 * `DistillError` naming a missing input.
 */
export interface LossInputs {
  /** Student logits [batch, seq, vocab] (any leading shape). */
  readonly studentLogits?: Tensor;
  /** Teacher logits, same shape as the student's; treated as constants. */
  readonly teacherLogits?: Tensor;
  /** Next-token targets, i32 [batch, seq]. */
  readonly targets?: Tensor;
  /** Student block outputs, one [batch, seq, channels] tensor per transformer block. */
  readonly studentHidden?: readonly Tensor[];
  /** Teacher block outputs, same count and shapes; treated as constants. */
  readonly teacherHidden?: readonly Tensor[];
}

/** A configured loss: a pure function of the step's inputs returning a scalar tensor. */
export type LossFunction = (inputs: LossInputs) => Tensor;

/**
 * A loss plugin (registry kind `loss`). `create` validates its options up front (ConfigError naming
 * the bad key) and returns the loss function.
 */
export interface LossPlugin<Options = unknown> {
  /** Registry name, kebab-case (`kl`, `layerwise`, `ce`). */
  readonly name: string;
  readonly apiVersion: 1;
  /** One line for CLI help and error messages. */
  readonly description: string;
  /** The zod schema of the options (a strict object: unknown keys are errors). */
  readonly options: ZodType;
  /** The inputs the loss reads, so a trainer can skip the teacher pass or hidden-state hooks when unused. */
  readonly needs: readonly (keyof LossInputs)[];
  /** Builds the loss function. @throws ConfigError on invalid options. */
  create(options?: Options): LossFunction;
}

declare module "@adaptive-sparse/core" {
  interface PluginKinds {
    loss: LossPlugin;
  }
}
