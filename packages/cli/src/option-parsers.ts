import { InvalidArgumentError } from "commander";

/**
 * Parsers for flag values. Commander prints their message after the option, e.g.
 * `error: option '--steps <n>' argument 'abc' is invalid. Expected a whole number ≥ 1, e.g. --steps 200`.
 */
export function wholeNumber(min: number, example: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isInteger(n) || n < min) throw new InvalidArgumentError(`Expected a whole number ≥ ${min}, e.g. ${example}.`);
    return n;
  };
}

/** A finite number ≥ `min`. */
export function decimal(min: number, example: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n < min) throw new InvalidArgumentError(`Expected a number ≥ ${min}, e.g. ${example}.`);
    return n;
  };
}

/** `N:M` with 0 < N < M, e.g. 2:4. */
export function nmPattern(value: string): string {
  const match = /^(\d+):(\d+)$/.exec(value);
  if (!match || Number(match[1]) < 1 || Number(match[1]) >= Number(match[2])) {
    throw new InvalidArgumentError("Expected N:M with 1 ≤ N < M (N weights kept in each group of M), e.g. --nm 2:4.");
  }
  return value;
}

/** A `--set key.path=value` (collected; the value is parsed later as JSON or text). */
export function setting(value: string, previous: string[] = []): string[] {
  const equals = value.indexOf("=");
  if (equals <= 0 || value.slice(0, equals).split(".").some((key) => key === "")) {
    throw new InvalidArgumentError("Expected key.path=value, e.g. --set trainer.steps=200.");
  }
  return [...previous, value];
}

/** A text separator; `\n`, `\r` and `\t` written as two characters (as shells pass them) mean the control characters. */
export function separatorText(value: string): string {
  const text = value.replace(/\\n/g, "\n").replace(/\\r/g, "\r").replace(/\\t/g, "\t");
  if (text === "") throw new InvalidArgumentError("Expected a non-empty string, e.g. --separator '\\n' (each line a document).");
  return text;
}

/** A repeatable text option. */
export const collect = (value: string, previous: string[] = []) => [...previous, value];
