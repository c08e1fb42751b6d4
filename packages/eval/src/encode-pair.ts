import { EvalError } from "./errors.js";
import type { TokenEncoder } from "./types.js";

/** Context and continuation token ids of one scoring request. */
export interface EncodedPair {
  readonly context: number[];
  readonly continuation: number[];
}

/**
 * Tokenises a (context, continuation) pair the way LM-Evaluation-Harness (v0.4 `_encode_pair`) does:
 * trailing whitespace of the context moves to the front of the continuation, the whole string is
 * encoded, and the continuation is what follows the context's own encoding. That keeps the BPE merge
 * across the boundary identical to the one the model sees in running text.
 *
 * An empty context (the harness's rule) or one that encodes to nothing (whitespace only) is replaced
 * by `[eotToken]`, so the first continuation token is still predicted from something.
 *
 * @throws EvalError when the continuation encodes to no tokens, or the context is empty and the tokenizer has no `eotToken`.
 * @example encodePair(chars, "the sky is ", "blue") // context "the sky is", continuation " blue"
 */
export function encodePair(tokenizer: TokenEncoder, context: string, continuation: string): EncodedPair {
  let contextIds: number[];
  let continuationIds: number[];
  if (context === "") {
    contextIds = [];
    continuationIds = Array.from(tokenizer.encode(continuation));
  } else {
    const trimmed = context.trimEnd();
    const moved = context.slice(trimmed.length); // whitespace that belongs to the answer's first token
    const whole = Array.from(tokenizer.encode(trimmed + moved + continuation));
    contextIds = Array.from(tokenizer.encode(trimmed));
    continuationIds = whole.slice(contextIds.length);
  }
  if (continuationIds.length === 0) {
    throw new EvalError(`zero-shot: choice ${JSON.stringify(continuation)} encodes to no tokens after context ${JSON.stringify(context.slice(-40))}; every choice needs at least one token`);
  }
  if (contextIds.length === 0) {
    if (tokenizer.eotToken === undefined) {
      throw new EvalError(`zero-shot: the context ${JSON.stringify(context)} encodes to no tokens and the tokenizer has no eotToken to stand in for it; give the example a context or use a tokenizer with an end-of-text token`);
    }
    contextIds = [tokenizer.eotToken];
  }
  return { context: contextIds, continuation: continuationIds };
}
