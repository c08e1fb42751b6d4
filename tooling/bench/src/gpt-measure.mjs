/* global performance */
// Our GPT on one backend: training steps (forward + cross-entropy + backward + AdamW) and forward-only
// passes, each timed one by one. Runs inside backend-child.mjs, so the process's peak RSS is this model's.
import { Generator, noGrad, setDefaultBackend, tensor, tidy } from "@adaptive-sparse/core";
import { GPT } from "@adaptive-sparse/nn";
import { AdamW } from "@adaptive-sparse/optim";
import { profileKernels, summarizeProfile } from "./kernel-profile.mjs";

/** Uniformly random token ids, i32 [batch, seq]. */
function randomTokens(generator, batch, seq, vocabSize) {
  return tensor(Array.from({ length: batch * seq }, () => generator.integer(vocabSize)), { shape: [batch, seq], dtype: "i32" });
}

/**
 * @param backend the backend the model lives on (made the default, since GPT creates its parameters there)
 * @param setup { config, batch, seq, forwardBatch, warmup, steps, forwardSteps, optimizer: { lr, betas, weightDecay } },
 *   optional: readLogits (default true; false keeps the forward's logits on the device and waits with flush()),
 *   aroundStep(i, run) (awaited; runs training step i through `run`, e.g. to profile one warm-up step),
 *   profileSteps (default 0: after the timed steps, this many more steps with every kernel timed; see kernel-profile.mjs)
 * @returns { stepMs[], forwardMs[], losses[], profile? } (warm-up steps' losses included; their times are not;
 *   the profiled steps' losses are not kept)
 */
export async function measureGpt(backend, setup) {
  setDefaultBackend(backend);
  const model = new GPT(setup.config, { generator: new Generator(0) });
  const optimizer = new AdamW(model.parameters(), setup.optimizer);
  const data = new Generator(1);
  const idx = randomTokens(data, setup.batch, setup.seq, setup.config.vocabSize);
  const targets = randomTokens(data, setup.batch, setup.seq, setup.config.vocabSize);
  const sync = backend.capabilities.syncRead;

  model.train();
  const losses = [];
  const stepMs = [];
  const trainStep = async () => {
    optimizer.zeroGrad();
    const loss = tidy(() => {
      const l = model.forward(idx, targets).loss;
      l.backward();
      return l;
    });
    losses.push((await loss.data())[0]); // on a GPU this read waits for the forward and backward
    loss.dispose();
    if (sync) optimizer.step();
    else await optimizer.stepAsync();
  };
  for (let i = 0; i < setup.warmup + setup.steps; i++) {
    const start = performance.now();
    await (setup.aroundStep ? setup.aroundStep(i, trainStep) : trainStep());
    if (i >= setup.warmup) stepMs.push(performance.now() - start);
  }

  let profile;
  if (setup.profileSteps > 0) {
    // Apart from the timed steps, so the wrappers' own cost does not reach the figures above.
    const profiler = profileKernels(backend);
    const kept = losses.length;
    try {
      const recorded = await profiler.record(async () => {
        for (let i = 0; i < setup.profileSteps; i++) await trainStep();
      });
      profile = summarizeProfile(recorded, setup.profileSteps);
    } finally {
      profiler.restore();
      losses.length = kept;
    }
  }

  model.eval();
  const prompt = randomTokens(data, setup.forwardBatch, setup.seq, setup.config.vocabSize);
  const forwardMs = [];
  for (let i = 0; i < setup.warmup + setup.forwardSteps; i++) {
    const start = performance.now();
    const logits = noGrad(() => tidy(() => model.forward(prompt).logits));
    if (setup.readLogits === false) await backend.flush(); // the logits stay on the device
    else await logits.data(); // every position's logits reach the host, as PyTorch's are in host memory
    logits.dispose();
    if (i >= setup.warmup) forwardMs.push(performance.now() - start);
  }
  return { stepMs, forwardMs, losses, ...(profile ? { profile } : {}) };
}
