import { ModuleError } from "./errors.js";
import { Module } from "./module.js";

/**
 * An ordered list of child modules named `"0"`, `"1"`, … (like `torch.nn.ModuleList`); it has no
 * forward of its own. GPT keeps its blocks in one, which gives the names `transformer.h.{i}`.
 */
export class ModuleList<M extends Module = Module> extends Module<[], never> {
  constructor(modules: readonly M[] = []) {
    super();
    modules.forEach((module, i) => this.registerModule(String(i), module));
  }

  /** Number of modules. */
  get length(): number {
    return this.namedChildren().length;
  }

  /** The module at `index` (reads the registered child, so a `replaceModule` shows up here). */
  at(index: number): M {
    return this.child<M>(String(index));
  }

  /** The modules in index order. */
  [Symbol.iterator](): Iterator<M> {
    return this.namedChildren().map(([, module]) => module as M)[Symbol.iterator]();
  }

  /** @throws ModuleError always: a container has nothing to compute */
  forward(): never {
    throw new ModuleError("ModuleList has no forward; iterate over it and call each module");
  }
}
