import { formatShape, isFloat, noGrad, shapesEqual, type Tensor } from "@adaptive-sparse/core";
import { copyInto } from "./copy-into.js";
import { StateDictError } from "./errors.js";
import type { Module } from "./module.js";

/** Options of {@link Module.loadStateDict}. */
export interface LoadStateDictOptions {
  /** When true (default), missing and unexpected keys are errors; when false they are skipped and reported. */
  strict?: boolean;
}

/** What a (non-strict) load skipped. */
export interface LoadStateDictResult {
  /** Model keys the state dict did not have (left unchanged). */
  missingKeys: string[];
  /** State-dict keys the model does not have (ignored). */
  unexpectedKeys: string[];
}

/** @internal the body of `Module.loadStateDict`. */
export function loadStateDict(module: Module, state: ReadonlyMap<string, Tensor>, options: LoadStateDictOptions): LoadStateDictResult {
  const strict = options.strict ?? true;
  const own = module.stateDict();
  const missingKeys = [...own.keys()].filter((key) => !state.has(key));
  const unexpectedKeys = [...state.keys()].filter((key) => !own.has(key));
  const problems: string[] = [];
  if (strict) {
    for (const key of missingKeys) problems.push(`missing key "${key}" (the model expects ${formatShape(own.get(key)!.shape)})`);
    for (const key of unexpectedKeys) problems.push(`unexpected key "${key}" (${formatShape(state.get(key)!.shape)} in the state dict; the model has no such entry)`);
  }
  for (const [key, target] of own) {
    const source = state.get(key);
    if (!source) continue;
    if (!shapesEqual(source.shape, target.shape)) {
      problems.push(`"${key}" has shape ${formatShape(source.shape)} in the state dict but ${formatShape(target.shape)} in the model`);
    } else if (isFloat(source.dtype) !== isFloat(target.dtype)) {
      problems.push(`"${key}" has dtype ${source.dtype} in the state dict but ${target.dtype} in the model`);
    } else if (source.isDisposed) {
      problems.push(`"${key}" in the state dict was disposed`);
    }
  }
  if (problems.length) {
    const hint = strict && (missingKeys.length || unexpectedKeys.length) ? "; pass { strict: false } to skip missing/unexpected keys" : "";
    throw new StateDictError(
      `loadStateDict into ${module.constructor.name}: ${problems.length} problem(s): ${problems.join("; ")}. ` +
        `Nothing was loaded; fix the checkpoint or the model config${hint}`,
    );
  }
  noGrad(() => {
    for (const [key, target] of own) {
      const source = state.get(key);
      if (source && source !== target) copyInto(target, source, `loadStateDict("${key}")`);
    }
  });
  return { missingKeys, unexpectedKeys };
}
