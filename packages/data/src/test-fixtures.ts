/**
 * @internal Test helper: the committed reference values (fixtures/reference.json, written by
 * fixtures/make-fixtures.py) and the tiny Parquet file. Not exported from the package.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Absolute path of a file in the package's fixtures folder. */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
}

/** Shape of fixtures/reference.json. */
export interface Reference {
  prng: Record<string, { state: number[]; u32: number[] }> & { below: { seed: number; n: number[]; values: number[] } };
  sampler: {
    length: number;
    blockSize: number;
    batchSize: number;
    seed: number;
    starts: number[][];
    calibration: { seed: number; count: number; starts: number[] };
  };
  split: { count: number; validationFraction: number; seed: number; validation: number[] };
  bpe: {
    texts: string[];
    vocabSize: number;
    distinctWords: number;
    mostFrequentWords: [string, number][];
    merges: [number, number][];
    sentence: string;
    sentenceIds: number[];
  };
}

/** The parsed reference values. */
export function readReference(): Reference {
  return JSON.parse(readFileSync(fixturePath("reference.json"), "utf8")) as Reference;
}
