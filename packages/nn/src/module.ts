import { keep, type Backend, type Tensor } from "@adaptive-sparse/core";
import { ModuleError } from "./errors.js";
import { Parameter } from "./parameter.js";
import { loadStateDict, type LoadStateDictOptions, type LoadStateDictResult } from "./state-dict.js";

/**
 * Called after `forward` by {@link Module.call} with the module, its inputs and its output. Return a
 * value to replace the output (as in PyTorch), or nothing to only observe it. Tensors seen in a hook
 * are freed by the enclosing `tidy` like any intermediate: `keep()` them or reduce them to what you need.
 */
export type ForwardHook<I extends unknown[] = any, O = any> = (module: Module<I, O>, inputs: I, output: O) => O | void;

/** Options of {@link Module.stateDict}. */
export interface StateDictOptions {
  /** Include persistent buffers such as SparseLinear masks (default true). */
  buffers?: boolean;
}

/**
 * Base class of every layer (like `torch.nn.Module`): a tree of named children, parameters and
 * buffers with dotted names (`transformer.h.0.attn.c_attn.weight`), train/eval mode, state dicts and
 * forward hooks. Subclasses register what they own in their constructor and implement `forward`;
 * parents run children through `call` so hooks fire.
 */
export abstract class Module<I extends unknown[] = any, O = any> {
  /** True in training mode (dropout active); flip with `train()` / `eval()`. */
  training = true;
  readonly #parameters = new Map<string, Parameter>();
  readonly #buffers = new Map<string, Tensor>();
  readonly #children = new Map<string, Module>();
  // Stored loosely typed so that Module<[Tensor], Tensor> stays assignable to Module.
  readonly #hooks = new Set<ForwardHook<any, any>>();

  /** The computation; call it through {@link Module.call} so forward hooks run. */
  abstract forward(...inputs: I): O;

  /** Runs `forward`, then each forward hook in registration order. */
  call(...inputs: I): O {
    let output = this.forward(...inputs);
    for (const hook of [...this.#hooks]) {
      const replaced = hook(this, inputs, output);
      if (replaced !== undefined) output = replaced;
    }
    return output;
  }

  /**
   * Adds a hook run after every `call` (e.g. to capture a layer's inputs for Wanda calibration).
   * @returns a function that removes the hook
   */
  registerForwardHook(hook: ForwardHook<I, O>): () => void {
    this.#hooks.add(hook);
    return () => void this.#hooks.delete(hook);
  }

  #claim(name: string, what: string): void {
    if (!/^[A-Za-z0-9_]+$/.test(name)) {
      throw new ModuleError(`${this.constructor.name}.${what}: name "${name}" must be non-empty letters, digits or "_" (dots separate path segments)`);
    }
    if (this.#parameters.has(name) || this.#buffers.has(name) || this.#children.has(name)) {
      throw new ModuleError(`${this.constructor.name}.${what}: "${name}" is already registered on this module; pick another name`);
    }
  }

  /** Registers a parameter under `name` and returns it. */
  registerParameter<P extends Parameter>(name: string, parameter: P): P {
    this.#claim(name, "registerParameter");
    this.#parameters.set(name, parameter);
    return parameter;
  }

  /** Registers a persistent, non-trainable tensor (saved in the state dict); it is exempt from `tidy`. */
  registerBuffer<T extends Tensor>(name: string, buffer: T): T {
    this.#claim(name, "registerBuffer");
    this.#buffers.set(name, keep(buffer));
    return buffer;
  }

  /** Registers a child module under `name` and returns it. */
  registerModule<M extends Module>(name: string, module: M): M {
    this.#claim(name, "registerModule");
    this.#children.set(name, module);
    return module;
  }

  /**
   * Swaps the child `name` for `module` (how `sparsify` turns a Linear into a SparseLinear).
   * @returns the module that was replaced (its parameters are not disposed)
   * @throws ModuleError when there is no such child
   */
  replaceModule(name: string, module: Module): Module {
    const old = this.#children.get(name);
    if (!old) throw new ModuleError(`${this.constructor.name}.replaceModule: no child "${name}" (children: ${[...this.#children.keys()].join(", ") || "none"})`);
    this.#children.set(name, module);
    return old;
  }

  /** Direct child by name. @throws ModuleError naming the valid children */
  protected child<M extends Module>(name: string): M {
    const child = this.#children.get(name);
    if (!child) throw new ModuleError(`${this.constructor.name}: no child "${name}" (children: ${[...this.#children.keys()].join(", ") || "none"})`);
    return child as M;
  }

  /** The module at a dotted path (`""` is this module). @example gpt.getModule("transformer.h.0.attn") */
  getModule(path: string): Module {
    if (path === "") return this;
    return path.split(".").reduce<Module>((module, segment) => {
      const next = module.#children.get(segment);
      if (!next) {
        throw new ModuleError(`getModule("${path}"): ${module.constructor.name} has no child "${segment}" (children: ${[...module.#children.keys()].join(", ") || "none"})`);
      }
      return next;
    }, this);
  }

  /** The parameter at a dotted path. @example gpt.getParameter("transformer.wte.weight") */
  getParameter(path: string): Parameter {
    const dot = path.lastIndexOf(".");
    const owner = this.getModule(dot < 0 ? "" : path.slice(0, dot));
    const parameter = owner.#parameters.get(path.slice(dot + 1));
    if (!parameter) {
      throw new ModuleError(`getParameter("${path}"): no such parameter (valid: ${this.namedParameters().map(([n]) => n).join(", ")})`);
    }
    return parameter;
  }

  /** `[name, child]` for the direct children, in registration order. */
  namedChildren(): [string, Module][] {
    return [...this.#children];
  }

  /** `[dottedName, module]` for this module (name `prefix`, `""` by default) and all descendants, depth first. */
  namedModules(prefix = ""): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.#children) out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name));
    return out;
  }

  /** `[dottedName, parameter]` in registration order; a parameter shared by two modules is listed once. */
  namedParameters(): [string, Parameter][] {
    return this.#collect((module) => module.#parameters);
  }

  /** The parameters, as {@link Module.namedParameters} lists them. */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** `[dottedName, buffer]` for the persistent buffers. */
  namedBuffers(): [string, Tensor][] {
    return this.#collect((module) => module.#buffers);
  }

  #collect<T extends Tensor>(own: (module: Module) => Map<string, T>): [string, T][] {
    const seen = new Set<Tensor>();
    const out: [string, T][] = [];
    for (const [prefix, module] of this.namedModules()) {
      for (const [name, tensor] of own(module)) {
        if (seen.has(tensor)) continue;
        seen.add(tensor);
        out.push([prefix ? `${prefix}.${name}` : name, tensor]);
      }
    }
    return out;
  }

  /** Number of scalar parameters (shared ones counted once). */
  numParameters(): number {
    return this.parameters().reduce((total, p) => total + p.size, 0);
  }

  /** Sets training mode on this module and every descendant. */
  train(mode = true): this {
    for (const [, module] of this.namedModules()) module.training = mode;
    return this;
  }

  /** Evaluation mode (dropout off); same as `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /** Clears every parameter's gradient (disposing it). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /**
   * Parameters (and persistent buffers) by dotted name. The values are the live tensors, not copies:
   * they change when the model trains and die with `dispose()`.
   */
  stateDict(options: StateDictOptions = {}): Map<string, Tensor> {
    const entries: [string, Tensor][] = this.namedParameters();
    if (options.buffers ?? true) entries.push(...this.namedBuffers());
    return new Map(entries);
  }

  /**
   * Copies values from `state` into the parameters and buffers, in place. All keys are checked before
   * anything is written.
   * @throws StateDictError listing missing and unexpected keys (unless `strict: false`) and every
   *   shape mismatch (always), each with the key and both shapes
   */
  loadStateDict(state: ReadonlyMap<string, Tensor>, options: LoadStateDictOptions = {}): LoadStateDictResult {
    return loadStateDict(this, state, options);
  }

  /**
   * Moves every parameter, gradient and buffer of this module tree to `backend` in place, like PyTorch's
   * `module.to(device)`: the Parameter objects stay the same (layers and optimizers keep their references),
   * only their buffers move. Async because device backends read asynchronously; `toSync` on a cpu source.
   * Make the optimizer after moving (its state lives where the parameters were).
   * @example const student = await new GPT(config).to(webgpu);
   */
  async to(backend: Backend): Promise<this> {
    for (const tensor of this.#placed()) await tensor.moveTo(backend);
    return this;
  }

  /** {@link Module.to} for parameters on a backend with sync reads (cpu). @throws BackendError otherwise */
  toSync(backend: Backend): this {
    for (const tensor of this.#placed()) tensor.moveToSync(backend);
    return this;
  }

  /** The backend of the first parameter (or buffer); null for a module that holds no tensors. */
  get backend(): Backend | null {
    return (this.namedParameters()[0]?.[1] ?? this.namedBuffers()[0]?.[1])?.backend ?? null;
  }

  #placed(): Tensor[] {
    const parameters = this.parameters();
    return [...parameters, ...parameters.flatMap((p) => (p.grad ? [p.grad] : [])), ...this.namedBuffers().map(([, b]) => b)];
  }

  /** Frees every parameter, buffer and gradient of this module tree. */
  dispose(): void {
    for (const p of this.parameters()) {
      p.zeroGrad();
      p.dispose();
    }
    for (const [, buffer] of this.namedBuffers()) buffer.dispose();
  }
}
