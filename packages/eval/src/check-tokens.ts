import { EvalError } from "./errors.js";

/**
 * Throws unless the first `count` ids are integers in [0, vocabSize); checked on the host so a bad id
 * never reaches Gather.
 */
export function checkTokenIds(where: string, ids: ArrayLike<number>, vocabSize: number, hint: string, count = ids.length): void {
  for (let i = 0; i < count; i++) {
    const id = ids[i];
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
      throw new EvalError(`${where}: token id ${id} at index ${i} is outside the model's vocabulary [0, ${vocabSize}); ${hint}`);
    }
  }
}
