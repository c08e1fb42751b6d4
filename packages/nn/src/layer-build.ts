import type { Backend, Generator } from "@adaptive-sparse/core";

/** What a model hands each layer it builds: the weights' random source, backend, and whether to draw them. */
export interface LayerBuild {
  readonly generator: Generator;
  readonly backend?: Backend;
  /** false: zeros filled on the device (a loader overwrites them). */
  readonly init: boolean;
}
