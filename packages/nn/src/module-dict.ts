import { ModuleError } from "./errors.js";
import { Module } from "./module.js";

/**
 * Named child modules with no forward of their own (like `torch.nn.ModuleDict`). GPT's
 * `transformer` is one, which puts `transformer.` in front of its parameter names.
 */
export class ModuleDict<T extends Record<string, Module>> extends Module<[], never> {
  constructor(modules: T) {
    super();
    for (const [name, module] of Object.entries(modules)) this.registerModule(name, module);
  }

  /** The child registered under `name` (reads the live child, so a `replaceModule` shows up here). */
  get<K extends keyof T & string>(name: K): T[K] {
    return this.child<T[K]>(name);
  }

  /** @throws ModuleError always: a container has nothing to compute */
  forward(): never {
    throw new ModuleError("ModuleDict has no forward; call its children");
  }
}
