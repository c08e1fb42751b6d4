import type { Registry } from "@adaptive-sparse/core";
import { registerWasmBackend } from "@adaptive-sparse/backend-wasm";
import { createDefaultRegistry } from "@adaptive-sparse/trainer";
import { registerOptionalBackends } from "./optional-backends.js";

/**
 * The one registry the CLI looks everything up in: the trainer's built-ins (masks, schedules, losses,
 * tokenizers, datasets, evaluators, the cpu backend) plus the wasm backend, and the webgpu, gpujs and cuda
 * backends as lazy entries that import their optional packages when picked (a missing one is named with the
 * command that installs it). Register your own plugins on it and pass it to `main(argv, { registry })`:
 * `--corpus`, `--backend`, a model folder's tokenizer file and the trainer config then find them by name like
 * the built-in ones.
 *
 * @example
 * const registry = createCliRegistry();
 * registry.register("dataset", "my-corpus", myCorpusPlugin);
 * process.exitCode = await main(process.argv, { registry }); // adaptive-sparse prune --corpus my-corpus ...
 */
export function createCliRegistry(): Registry {
  const registry = createDefaultRegistry();
  registerWasmBackend(registry);
  registerOptionalBackends(registry);
  return registry;
}
