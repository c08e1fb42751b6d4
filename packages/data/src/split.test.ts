import { describe, expect, it } from "vitest";
import { ConfigError } from "@adaptive-sparse/core";
import { EmptyCorpusError } from "./errors.js";
import { mixCorpora } from "./mixture.js";
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

  it("splits a mixture part by part: each component holds out exactly what it would alone", () => {
    const a = { name: "a", documents: Array.from({ length: 30 }, (_, i) => `a${i}`) };
    const b = { name: "b", documents: Array.from({ length: 12 }, (_, i) => `b${i}`) };
    const options = { validationFraction: 0.25, seed: 7 };
    const mixed = mixCorpora([a, b]);
    expect(mixed.name).toBe("a+b");
    expect(mixed.parts).toEqual([{ name: "a", documents: 30 }, { name: "b", documents: 12 }]);
    const split = splitDocuments(mixed, options);
    const alone = [splitDocuments(a, options), splitDocuments(b, options)];
    expect(split.validation.documents).toEqual([...alone[0]!.validation.documents, ...alone[1]!.validation.documents]);
    expect(split.train.documents).toEqual([...alone[0]!.train.documents, ...alone[1]!.train.documents]);
    expect(split.validation.parts).toEqual([{ name: "a", documents: 8 }, { name: "b", documents: 3 }]);
    expect(split.train.parts).toEqual([{ name: "a", documents: 22 }, { name: "b", documents: 9 }]);
    expect(split.train.name).toBe("a+b-train");
  });

  it("flattens a mixture of mixtures and refuses an empty one", () => {
    const one = (name: string) => ({ name, documents: [`${name}0`, `${name}1`] });
    expect(mixCorpora([mixCorpora([one("a"), one("b")]), one("c")]).parts?.map((p) => p.name)).toEqual(["a", "b", "c"]);
    expect(() => mixCorpora([])).toThrow(EmptyCorpusError);
    expect(() => mixCorpora([])).toThrow("mixCorpora: no corpus to mix; pass at least one");
  });
});
