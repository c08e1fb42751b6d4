import { readFile } from "node:fs/promises";
import { parseDocument } from "yaml";
import { CliError } from "./errors.js";

/**
 * Reads a JSON or YAML config file (by extension; YAML is a superset of JSON). Syntax errors name the
 * file, line and column.
 */
export async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    throw new CliError(`config file ${path} does not exist or cannot be read; pass the path of a .json or .yaml file`);
  }
  if (path.endsWith(".json")) {
    try {
      return asObject(JSON.parse(text), path);
    } catch (error) {
      if (error instanceof CliError) throw error;
      const position = /position (\d+)/.exec((error as Error).message);
      const line = position ? text.slice(0, Number(position[1])).split("\n").length : "?";
      throw new CliError(`config file ${path} is not valid JSON (line ${line}): ${(error as Error).message}`);
    }
  }
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length) {
    const [first] = document.errors;
    throw new CliError(`config file ${path} is not valid YAML (line ${first.linePos?.[0].line ?? "?"}, column ${first.linePos?.[0].col ?? "?"}): ${first.message.split("\n")[0]}`);
  }
  return asObject(document.toJS(), path);
}

function asObject(value: unknown, path: string): Record<string, unknown> {
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new CliError(`config file ${path} must hold an object of settings at the top level`);
  return value as Record<string, unknown>;
}

/**
 * Applies `--set key.path=value` overrides; values parse as JSON when they can (numbers, booleans, null,
 * arrays, objects) and stay strings otherwise.
 * @example applyOverrides({ trainer: { steps: 10 } }, ["trainer.steps=20"]) // { trainer: { steps: 20 } }
 */
export function applyOverrides(config: Record<string, unknown>, overrides: readonly string[]): Record<string, unknown> {
  const result = structuredClone(config);
  for (const override of overrides) {
    const equals = override.indexOf("=");
    if (equals <= 0) throw new CliError(`--set "${override}" must look like key.path=value (e.g. --set trainer.steps=200)`);
    const keys = override.slice(0, equals).split(".");
    const raw = override.slice(equals + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a plain string
    }
    let target = result;
    for (const key of keys.slice(0, -1)) {
      const next = target[key];
      if (next === undefined || next === null) target[key] = {};
      else if (typeof next !== "object" || Array.isArray(next)) throw new CliError(`--set ${override}: "${key}" holds a ${typeof next}, not a section`);
      target = target[key] as Record<string, unknown>;
    }
    target[keys[keys.length - 1]] = value;
  }
  return result;
}
