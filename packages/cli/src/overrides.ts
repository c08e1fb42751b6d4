import { CliError } from "./errors.js";

/**
 * The value of one `--set key=value`: JSON when the text parses as JSON (`200` → 200, `true`, `null`,
 * `[1,2,3]`, `{"max":0.001}`), otherwise the text itself (`ast`, `c4.jsonl.gz`, `` → "").
 * @throws CliError for text that starts like a JSON list or object but is not valid JSON (a shell that
 *   ate the quotes of `{"max":0.001}`), rather than passing it on as a string.
 */
export function parseSetValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (/^\s*[[{]/.test(text)) {
      throw new CliError(`--set value ${text} looks like a JSON list or object but is not valid JSON (${(error as Error).message}); quote keys and strings, and wrap the whole value in single quotes: --set 'key={"max":0.001}'`);
    }
    return text;
  }
}

/** Splits `--set key.path=value` into the key path and its parsed value. */
export function parseOverride(override: string): { keys: string[]; value: unknown } {
  const equals = override.indexOf("=");
  const keys = override.slice(0, Math.max(equals, 0)).split(".");
  if (equals <= 0 || keys.some((key) => key === "")) throw new CliError(`--set "${override}" must look like key.path=value (e.g. --set trainer.steps=200)`);
  return { keys, value: parseSetValue(override.slice(equals + 1)) };
}

/** Sets `value` at `keys` inside `config` (in place), creating sections; `label` names the setting in errors. */
function setAt(config: Record<string, unknown>, keys: readonly string[], value: unknown, label: string): void {
  let target = config;
  for (const key of keys.slice(0, -1)) {
    const next = target[key];
    if (next === undefined || next === null) target[key] = {};
    else if (typeof next !== "object" || Array.isArray(next)) throw new CliError(`${label}: "${key}" holds a ${Array.isArray(next) ? "list" : typeof next}, not a section`);
    target = target[key] as Record<string, unknown>;
  }
  target[keys[keys.length - 1]!] = value;
}

/**
 * Applies `--set key.path=value` overrides to a copy of `config` (values as {@link parseSetValue} reads them).
 * @example applyOverrides({ trainer: { steps: 10 } }, ["trainer.steps=20"]) // { trainer: { steps: 20 } }
 */
export function applyOverrides(config: Record<string, unknown>, overrides: readonly string[]): Record<string, unknown> {
  const result = structuredClone(config);
  for (const override of overrides) {
    const { keys, value } = parseOverride(override);
    setAt(result, keys, value, `--set ${override}`);
  }
  return result;
}

/**
 * Applies already-typed values (what commander parsed from flags like `--corpus`, `--steps`) to a copy of
 * `config`, keyed by dotted path; undefined values are skipped. No text round trip, so `--corpus 2024`
 * stays the string "2024".
 */
export function applyValues(config: Record<string, unknown>, values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const result = structuredClone(config);
  for (const [path, value] of Object.entries(values)) if (value !== undefined) setAt(result, path.split("."), value, path);
  return result;
}
