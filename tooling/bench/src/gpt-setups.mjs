// The GPT setups the bench measures, in a module without Node imports so the browser smoke test and the GPU
// check can bundle them too.
const ADAMW = { lr: 1e-3, betas: [0.9, 0.95], weightDecay: 0.1 };

/** Issue 3's model: training step at 16×128 with AdamW, forward at 1×128, fp32. */
export const GPT_SETUP = {
  config: { nLayer: 4, nHead: 4, nEmbd: 256, blockSize: 128, vocabSize: 4096 },
  batch: 16,
  seq: 128,
  forwardBatch: 1,
  warmup: 2,
  steps: 5,
  forwardSteps: 10,
  optimizer: ADAMW,
};
export const GPT_QUICK_SETUP = { ...GPT_SETUP, batch: 4, steps: 3, forwardSteps: 5 };

/** GPT-2 124M's shape (random weights are enough for timing): the decode rows and `profile-step.mjs --gpt2`. */
export const GPT2_124M = { nLayer: 12, nHead: 12, nEmbd: 768, blockSize: 1024, vocabSize: 50257 };

/**
 * GPT2_124M at 2×1024 tokens a step, as pruning a real checkpoint trains it: `profile-step.mjs --gpt2` (the whole
 * bench would take too long). Its buffers outgrow wasm memory, so it also measures the kernels on host arrays.
 */
export const GPT2_124M_SETUP = {
  config: GPT2_124M,
  batch: 2,
  seq: 1024,
  forwardBatch: 1,
  warmup: 2, // the first steps grow memory and create AdamW's state: 12.4 s against 8.8 for the third
  steps: 2,
  forwardSteps: 1,
  optimizer: ADAMW,
};

/** A small GPT for the GPU backends: here they run on a CPU emulation (lavapipe) and gpu.js, both slow. */
export const GPU_GPT_SETUP = {
  config: { nLayer: 2, nHead: 2, nEmbd: 64, blockSize: 32, vocabSize: 256 },
  batch: 4,
  seq: 32,
  forwardBatch: 1,
  warmup: 2,
  steps: 5,
  forwardSteps: 5,
  optimizer: ADAMW,
};
export const GPU_GPT_QUICK_SETUP = { ...GPU_GPT_SETUP, steps: 3, forwardSteps: 3 };
