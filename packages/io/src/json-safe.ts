import { ConfigError, NonFiniteError } from "@adaptive-sparse/core";

/**
 * Throws if `value` holds anything `JSON.stringify` would drop or change without a word: NaN and
 * ±Infinity (become null), undefined and functions (vanish), Map/Set/typed arrays (become `{}` or
 * index-keyed objects). Objects with a `toJSON` method (Date) are trusted.
 *
 * @param where names the file being written, for the message.
 */
export function assertJsonSafe(value: unknown, where: string): void {
  const seen = new Set<object>();
  const visit = (item: unknown, path: string): void => {
    if (item === null || typeof item === "string" || typeof item === "boolean") return;
    if (typeof item === "number") {
      if (!Number.isFinite(item)) throw new NonFiniteError(`${where}: ${path} is ${item}, which JSON cannot hold (store a finite number or a string)`);
      return;
    }
    if (typeof item !== "object") {
      throw new ConfigError(`${where}: ${path} is a ${typeof item}, which JSON cannot hold (store numbers, strings, booleans, null, arrays or plain objects)`);
    }
    if (typeof (item as { toJSON?: unknown }).toJSON === "function") return;
    if (seen.has(item)) throw new ConfigError(`${where}: ${path} refers back to an object that contains it (JSON cannot hold cycles)`);
    seen.add(item);
    if (Array.isArray(item)) {
      item.forEach((child, index) => visit(child, `${path}[${index}]`));
    } else {
      const proto = Object.getPrototypeOf(item) as unknown;
      if (proto !== Object.prototype && proto !== null) {
        const kind = (item as object).constructor?.name ?? "object";
        throw new ConfigError(`${where}: ${path} is a ${kind}, which JSON would not keep (convert it to a plain object or array; put tensors in the tensors file)`);
      }
      for (const [key, child] of Object.entries(item)) visit(child, `${path}.${key}`);
    }
    seen.delete(item);
  };
  visit(value, "value");
}
