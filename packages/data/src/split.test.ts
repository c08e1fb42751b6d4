import { describe, expect, it } from "vitest";
import { ConfigError } from "@adaptive-sparse/core";
import { EmptyCorpusError } from "./errors.js";
import { splitDocuments } from "./split.js";
import { readReference } from "./test-fixtures.js";

const corpus = (count: number) => ({ name: "c", documents: Array.from({ length: count }, (_, i) => `doc${i}`) });

describe("splitDocuments", () => {
  it("holds out the documents the reference seeded shuffle picks, keeping document order", () => {
    const { count, validationFraction, seed, validation } = readReference().split;
    const split = splitDocuments(corpus(count), { validationFraction, seed });
    expect(split.validation.documents).toEqual(validation.map((i) => `doc${i}`));
    expect(split.train.documents).toEqual(corpus(count).documents.filter((_, i) => !validation.includes(i)));
    expect(split.train.name).toBe("c-train");
    expect(split.validation.name).toBe("c-validation");
  });

  it("is deterministic per seed and differs across seeds", () => {
    const a = splitDocuments(corpus(50), { validationFraction: 0.2, seed: 1 });
    expect(splitDocuments(corpus(50), { validationFraction: 0.2, seed: 1 })).toEqual(a);
    expect(splitDocuments(corpus(50), { validationFraction: 0.2, seed: 2 }).validation.documents).not.toEqual(a.validation.documents);
    expect(a.validation.documents).toHaveLength(10);
  });

  it("keeps at least one document on each side", () => {
    expect(splitDocuments(corpus(3), { validationFraction: 0.01, seed: 0 }).validation.documents).toHaveLength(1);
    expect(splitDocuments(corpus(3), { validationFraction: 0.99, seed: 0 }).train.documents).toHaveLength(1);
  });

  it("errors on a one-document corpus and on bad options", () => {
    expect(() => splitDocuments(corpus(1), { validationFraction: 0.1, seed: 0 })).toThrow(EmptyCorpusError);
    expect(() => splitDocuments(corpus(1), { validationFraction: 0.1, seed: 0 })).toThrow(/needs at least 2/);
    expect(() => splitDocuments(corpus(4), { validationFraction: 1, seed: 0 })).toThrow(ConfigError);
    expect(() => splitDocuments(corpus(4), { validationFraction: 0.5, seed: 0, shuffle: true } as never)).toThrow(
      'unknown option "shuffle" (valid options: validationFraction, seed)',
    );
  });
});
