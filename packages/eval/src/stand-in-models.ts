/**
 * Tiny stand-in language models for this package's tests (not exported): a logit table indexed by the
 * current token plus an optional per-position bias, so every number is computable by hand or by
 * fixtures/make_fixtures.py.
 */
import { ShapeError, add, gather, keep, slice, tensor, zeros, type Tensor } from "@adaptive-sparse/core";
import type { LanguageModel } from "./types.js";

export class BigramPositionModel implements LanguageModel {
  readonly config: { blockSize: number; vocabSize: number };
  training = true;
  /** [V, V]: logits of the next token given the current one. */
  readonly table: Tensor;
  /** [blockSize, V]: added at each position (makes left-truncation visible). */
  readonly position: Tensor;
  /** Shapes of every idx seen by forward, in order. */
  readonly calls: number[][] = [];
  /** Token rows of the last forward. */
  lastInput: number[][] = [];
  evalCalls = 0;

  constructor(vocabSize: number, blockSize: number, table?: ArrayLike<number>, position?: ArrayLike<number>) {
    this.config = { blockSize, vocabSize };
    this.table = keep(table ? tensor(Float32Array.from(table), { shape: [vocabSize, vocabSize] }) : zeros([vocabSize, vocabSize]));
    this.position = keep(position ? tensor(Float32Array.from(position), { shape: [blockSize, vocabSize] }) : zeros([blockSize, vocabSize]));
  }

  forward(idx: Tensor): { logits: Tensor } {
    const [B, T] = idx.shape;
    if (T > this.config.blockSize) throw new ShapeError(`stand-in: sequence length ${T} exceeds blockSize ${this.config.blockSize}`);
    this.calls.push([B, T]);
    this.lastInput = idx.arraySync() as number[][];
    const V = this.config.vocabSize;
    return { logits: add(gather(this.table, idx), slice(this.position, [0, 0], [T, V])) }; // [B, T, V]
  }

  eval(): void {
    this.evalCalls++;
    this.training = false;
  }

  train(): void {
    this.training = true;
  }

  dispose(): void {
    this.table.dispose();
    this.position.dispose();
  }
}

/** A character tokenizer over `alphabet`, with `eotToken = alphabet.length`. */
export function charTokenizer(alphabet: string): { encode(text: string): number[]; eotToken: number } {
  return {
    eotToken: alphabet.length,
    encode(text) {
      return [...text].map((ch) => {
        const id = alphabet.indexOf(ch);
        if (id < 0) throw new Error(`charTokenizer: ${JSON.stringify(ch)} is not in the alphabet`);
        return id;
      });
    },
  };
}
