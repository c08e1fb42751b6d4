import type { MethodHooks, RunContext } from "../run-context.js";
import { astHooks } from "./ast.js";
import { baseHooks } from "./base.js";
import { gmpHooks } from "./gmp.js";
import { impHooks } from "./imp.js";
import { naiveHooks } from "./naive.js";

/** The hooks of the config's training method (one-shot does not train and has none). */
export function createMethod(ctx: RunContext): MethodHooks {
  switch (ctx.config.method) {
    case "ast":
      return astHooks(ctx);
    case "naive":
      return naiveHooks(ctx);
    case "gmp":
      return gmpHooks(ctx);
    case "imp":
      return impHooks(ctx);
    case "dense":
      return baseHooks(ctx);
    case "one-shot":
      throw new Error("one-shot does not train; it is run by runOneShot");
  }
}
