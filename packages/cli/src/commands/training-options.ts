import type { Registry } from "@adaptive-sparse/core";
import type { ProgressMode } from "../progress.js";

/** The flags that `pretrain` and `prune` share: settings, the corpus and how it is read, the run folder. */
export interface TrainingCommandOptions {
  config?: string;
  set?: string[];
  corpus?: string;
  separator?: string;
  textField?: string;
  steps?: number;
  out: string;
  backend?: string;
  resume?: boolean;
  /** Replace the outputs of an earlier run in `out`. */
  force?: boolean;
  progress?: ProgressMode;
  /** Where corpora, tokenizers, backends and the trainer's plugins are looked up by name. */
  registry?: Registry;
}
