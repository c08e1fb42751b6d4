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
