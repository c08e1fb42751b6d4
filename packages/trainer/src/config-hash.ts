import { createHash } from "node:crypto";
import type { TrainerConfig } from "./config.js";

/** Sections that do not change what a run computes, so a resume may change them. */
const NOT_HASHED = new Set(["checkpoint", "eval", "log"]);

/** JSON with object keys sorted, so equal configs always give equal text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** The part of a config that determines the computation (everything but `checkpoint`, `eval` and `log`). */
export function hashedConfig(config: TrainerConfig): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).filter(([key]) => !NOT_HASHED.has(key)));
}

/**
 * SHA-256 (hex) of a parsed config, ignoring the `checkpoint`, `eval` and `log` sections (a resumed run may
 * save elsewhere or evaluate differently and still continue bit-identically). Stored in checkpoints.
 * @example configHash(parseTrainerConfig({ method: "ast", steps: 100 })) // "3f1c…"
 */
export function configHash(config: TrainerConfig): string {
  return createHash("sha256").update(canonical(hashedConfig(config))).digest("hex");
}

/** Top-level config keys whose values differ between two configs (for error messages). */
export function changedSections(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((key) => canonical(a[key]) !== canonical(b[key]));
}
