import type { Registry } from "@adaptive-sparse/core";
import { registerGpuJsBackend } from "@adaptive-sparse/backend-gpujs";
import { registerWasmBackend } from "@adaptive-sparse/backend-wasm";
import { registerWebGpuBackend } from "@adaptive-sparse/backend-webgpu";
import { createDefaultRegistry } from "@adaptive-sparse/trainer";

/**
 * The one registry the CLI looks everything up in: the trainer's built-ins (masks, schedules, losses,
 * tokenizers, datasets, evaluators, the cpu backend) plus the wasm, webgpu and gpujs backends. Register
 * your own plugins on it and pass it to `main(argv, { registry })`: `--corpus`, `--backend`, a model
 * folder's tokenizer file and the trainer config then find them by name like the built-in ones.
 *
 * @example
 * const registry = createCliRegistry();
 * registry.register("dataset", "my-corpus", myCorpusPlugin);
 * process.exitCode = await main(process.argv, { registry }); // adaptive-sparse prune --corpus my-corpus ...
 */
export function createCliRegistry(): Registry {
  const registry = createDefaultRegistry();
  registerWasmBackend(registry);
  registerWebGpuBackend(registry);
  registerGpuJsBackend(registry);
  return registry;
}
