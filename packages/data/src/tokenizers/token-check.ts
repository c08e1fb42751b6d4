/** Helpers every tokenizer's `decode` shares. */
import { InvalidTokenError } from "../errors.js";

/** Text a decoder emits for the end-of-text id (the spelling GPT-2 uses). */
export const EOT_TEXT = "<|endoftext|>";

/**
 * Throws unless `id` is an integer in [0, vocabSize).
 *
 * @throws InvalidTokenError naming the tokenizer, the position and the valid range.
 */
export function assertTokenId(tokenizer: string, id: number, position: number, vocabSize: number): void {
  if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
    throw new InvalidTokenError(
      `tokenizer "${tokenizer}": id ${id} at position ${position} is outside the vocabulary [0, ${vocabSize}); ` +
        "were these ids produced by another tokenizer?",
    );
  }
}
