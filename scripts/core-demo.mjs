// The main job until apps/example lands: trains a small MLP with @adaptive-sparse/core, prunes its hidden layer
// to 2:4 with a magnitude mask (core's groupTopK), retrains with the mask fixed, and prints what happened.
import { add, crossEntropy, gelu, Generator, groupTopK, keep, matmul, mul, noGrad, randn, sub, tensor, tidy } from "@adaptive-sparse/core";

const g = new Generator(1337);
// A fixed problem: 256 points in 16 dimensions, labels from a random teacher.
const x = randn([256, 16], { generator: g });
const teacher = randn([4, 16], { generator: g });
const labels = tidy(() => matmul(x, teacher, { transB: true }).argmax(-1));

const params = {
  w1: mul(randn([64, 16], { generator: g }), 0.25).requireGrad(),
  b1: tensor(new Float32Array(64), { requiresGrad: true }),
  w2: mul(randn([4, 64], { generator: g }), 0.125).requireGrad(),
};
let mask = null; // u8 keep-mask for w1 once pruned

function step(lr) {
  return tidy(() => {
    const w1 = mask ? mul(params.w1, mask.cast("f32")) : params.w1;
    const logits = matmul(gelu(add(matmul(x, w1, { transB: true }), params.b1)), params.w2, { transB: true });
    const loss = crossEntropy(logits, labels);
    loss.backward();
    const accuracy = logits.argmax(-1).eq(labels).cast("f32").mean().item();
    noGrad(() => {
      for (const [name, p] of Object.entries(params)) {
        const next = keep(tidy(() => sub(p, mul(p.grad, lr)))); // survives the step's tidy
        p.zeroGrad();
        p.dispose();
        params[name] = next.requireGrad();
      }
    });
    return [loss.item(), accuracy];
  });
}

const report = (label, [loss, accuracy]) => console.log(`${label.padEnd(28)} loss ${loss.toFixed(4)}  accuracy ${(accuracy * 100).toFixed(1)}%`);
const started = performance.now();
let last;
for (let i = 0; i < 300; i++) last = step(0.5);
report("dense, after 300 steps", last);

mask = groupTopK(params.w1.abs(), 2, 4); // keep the 2 largest of every 4 consecutive inputs
const kept = mask.dataSync();
let valid = 0;
for (let i = 0; i < kept.length; i += 4) valid += kept[i] + kept[i + 1] + kept[i + 2] + kept[i + 3] === 2 ? 1 : 0;
report("2:4 one-shot (magnitude)", step(0));
for (let i = 0; i < 150; i++) last = step(0.5);
report("2:4 after 150 retrain steps", last);
console.log(`2:4 groups valid: ${valid}/${kept.length / 4}; w1 sparsity ${(100 * (1 - kept.reduce((a, b) => a + b, 0) / kept.length)).toFixed(1)}%`);
console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s on the cpu backend`);
