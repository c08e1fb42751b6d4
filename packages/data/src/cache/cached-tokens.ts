/**
 * A disk cache of tokenized corpora: `<name>.bin` (nanoGPT layout) plus a `<name>.json` sidecar
 * describing it. Tokenizing SOTU with GPT-2 takes seconds; reading the cache takes milliseconds.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { validateOptions } from "@adaptive-sparse/core";
import { z } from "zod";
import { decodeTokenBytes, encodeTokenBytes, tokenBytes } from "../loaders/token-bin.js";
import type { TokenArray, TokenDType } from "../types.js";
import { writeFileAtomic } from "./atomic-write.js";

const keySchema = z.strictObject({
  /** File stem: letters, digits, `.`, `_`, `-` (e.g. `sotu-train-gpt2`). */
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "use letters, digits, '.', '_' and '-' only"),
  /** Tokenizer name; a different tokenizer never reuses the file. */
  tokenizer: z.string().min(1),
  vocabSize: z.number().int().positive(),
  /** Hash of the source text (see {@link hashDocuments}); changed text rebuilds the cache. */
  sourceHash: z.string().min(1),
});

/** What identifies a cached token file. */
export type TokenCacheKey = z.input<typeof keySchema>;

/** The `.json` sidecar written next to each `.bin`. */
export interface TokenCacheMeta {
  readonly format: "adaptive-sparse-token-cache";
  readonly version: 1;
  readonly name: string;
  readonly tokenizer: string;
  readonly vocabSize: number;
  readonly dtype: TokenDType;
  readonly count: number;
  readonly sourceHash: string;
}

/** The cached (or freshly built) tokens and where they live. */
export interface CachedTokens {
  readonly tokens: TokenArray;
  readonly meta: TokenCacheMeta;
  /** True when the `.bin` was reused, false when `build` ran. */
  readonly fromCache: boolean;
  readonly binPath: string;
}

/**
 * A stable hash of documents: SHA-256 over each document's UTF-8 byte length and bytes, so
 * ["ab", "c"] and ["a", "bc"] differ.
 *
 * @example
 * hashDocuments(corpus.documents); // "3f0c…" (64 hex digits)
 */
export function hashDocuments(documents: readonly string[]): string {
  const hash = createHash("sha256");
  const length = Buffer.alloc(8);
  for (const document of documents) {
    const bytes = Buffer.from(document, "utf8");
    length.writeBigUInt64LE(BigInt(bytes.length));
    hash.update(length).update(bytes);
  }
  return hash.digest("hex");
}

async function readCache(binPath: string, metaPath: string, key: z.output<typeof keySchema>): Promise<CachedTokens | undefined> {
  let meta: TokenCacheMeta;
  try {
    meta = JSON.parse(await readFile(metaPath, "utf8")) as TokenCacheMeta;
    const size = (await stat(binPath)).size;
    const matches =
      meta.format === "adaptive-sparse-token-cache" && meta.version === 1 && meta.tokenizer === key.tokenizer &&
      meta.vocabSize === key.vocabSize && meta.sourceHash === key.sourceHash &&
      (meta.dtype === "uint16" || meta.dtype === "uint32") && size === meta.count * tokenBytes(meta.dtype);
    if (!matches) return undefined;
  } catch {
    return undefined; // missing or unreadable sidecar/bin: rebuild
  }
  const tokens = decodeTokenBytes(`cachedTokens (${binPath})`, await readFile(binPath), meta.dtype);
  return { tokens, meta, fromCache: true, binPath };
}

/**
 * Returns the tokens cached under `cacheDir/<key.name>.bin` when its sidecar matches `key`
 * (tokenizer, vocabSize, sourceHash) and the file has the recorded length; otherwise runs `build`,
 * writes the `.bin` and then the `.json` atomically (temp file, fsync, rename), and returns them.
 * The old sidecar is removed first and the new one written last, so after a crash mid-write there
 * is no sidecar and the next call rebuilds.
 *
 * @example
 * const { tokens } = await cachedTokens(".cache", { name: "sotu-gpt2", tokenizer: "gpt2",
 *   vocabSize: 50257, sourceHash: hashDocuments(corpus.documents) }, () => tokenizeCorpus(corpus, gpt2));
 * @throws ConfigError on a bad key.
 */
export async function cachedTokens(
  cacheDir: string,
  key: TokenCacheKey,
  build: () => TokenArray | Promise<TokenArray>,
): Promise<CachedTokens> {
  const checked = validateOptions("cachedTokens key", keySchema, key);
  const binPath = join(cacheDir, `${checked.name}.bin`);
  const metaPath = join(cacheDir, `${checked.name}.json`);
  const cached = await readCache(binPath, metaPath, checked);
  if (cached) return cached;

  const tokens = await build();
  const meta: TokenCacheMeta = {
    format: "adaptive-sparse-token-cache",
    version: 1,
    name: checked.name,
    tokenizer: checked.tokenizer,
    vocabSize: checked.vocabSize,
    dtype: tokens instanceof Uint16Array ? "uint16" : "uint32",
    count: tokens.length,
    sourceHash: checked.sourceHash,
  };
  await mkdir(cacheDir, { recursive: true });
  await rm(metaPath, { force: true }); // an old sidecar must never describe the new .bin
  await writeFileAtomic(binPath, encodeTokenBytes(tokens));
  await writeFileAtomic(metaPath, `${JSON.stringify(meta, null, 2)}\n`);
  return { tokens, meta, fromCache: false, binPath };
}
