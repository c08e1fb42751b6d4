import { ConfigError } from "@adaptive-sparse/core";

/** How a saved folder stores its float weights (safetensors dtypes). */
export type WeightDType = "F32" | "F16" | "BF16";

/** @internal `config.json`'s `torch_dtype` for each weight dtype (what `from_pretrained(torch_dtype="auto")` reads). */
export const TORCH_DTYPE: Readonly<Record<WeightDType, string>> = { F32: "float32", F16: "float16", BF16: "bfloat16" };

/**
 * @internal Readers for the keys of a Hugging Face `config.json`, each error naming the file (`where`),
 * the key, what was found and what is accepted.
 */
export function configReader(raw: Record<string, unknown>, where: string) {
  const present = (key: string) => raw[key] !== undefined && raw[key] !== null;
  const fail = (key: string, expected: string): never => {
    throw new ConfigError(`${where}: "${key}" is ${JSON.stringify(raw[key])}; expected ${expected}`);
  };
  return {
    present,
    /** A positive integer; required unless `fallback` is given. */
    int(key: string, fallback?: number): number {
      if (!present(key)) {
        if (fallback !== undefined) return fallback;
        throw new ConfigError(`${where}: missing "${key}" (a positive integer this model family needs)`);
      }
      const value = raw[key];
      return Number.isSafeInteger(value) && (value as number) > 0 ? (value as number) : fail(key, "a positive integer");
    },
    number(key: string, fallback: number): number {
      if (!present(key)) return fallback;
      const value = raw[key];
      return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : fail(key, "a positive number");
    },
    bool(key: string, fallback: boolean): boolean {
      if (!present(key)) return fallback;
      return typeof raw[key] === "boolean" ? (raw[key] as boolean) : fail(key, "true or false");
    },
    /** A string among `allowed` (the message lists them and says what to do). */
    oneOf(key: string, allowed: readonly string[], fallback: string, hint = ""): string {
      const value = present(key) ? raw[key] : fallback;
      if (typeof value === "string" && allowed.includes(value)) return value;
      throw new ConfigError(`${where}: "${key}" ${JSON.stringify(value)} is not supported (supported: ${allowed.map((a) => `"${a}"`).join(", ")})${hint}`);
    },
  };
}

/** @throws ConfigError when `architectures` is set and names none of `accepted` */
export function checkArchitectures(raw: Record<string, unknown>, accepted: readonly string[], where: string): void {
  const architectures = raw.architectures;
  if (architectures === undefined || architectures === null) return;
  if (!Array.isArray(architectures) || !architectures.some((a) => accepted.includes(a as string))) {
    throw new ConfigError(`${where}: architectures ${JSON.stringify(architectures)} are not supported for model_type ${JSON.stringify(raw.model_type)} (supported: ${accepted.join(", ")})`);
  }
}
