import type { LanguageModel } from "./types.js";

/**
 * Runs `fn` with the model in evaluation mode (dropout off) and puts it back in training mode
 * afterwards if it was training, as nanoGPT's `estimate_loss` does.
 */
export async function inEvalMode<T>(model: LanguageModel, fn: () => Promise<T>): Promise<T> {
  const wasTraining = model.training === true;
  model.eval?.();
  try {
    return await fn();
  } finally {
    if (wasTraining) model.train?.();
  }
}
