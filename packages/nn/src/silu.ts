import { add, mul, tanh, type Tensor } from "@adaptive-sparse/core";

/**
 * SiLU (swish), `x · sigmoid(x)`, as LLaMA's SwiGLU MLP uses it (Hugging Face `hidden_act: "silu"`).
 * Written as `x · ½(1 + tanh(x/2))`: the same function, and its gradient (through tanh) stays finite
 * for large |x|, where `1 / (1 + exp(−x))` would give ∞ · 0 in the backward pass.
 * @example silu(tensor([0, 1])) // [0, 0.7311]
 */
export function silu(x: Tensor): Tensor {
  return mul(x, mul(add(tanh(mul(x, 0.5)), 1), 0.5));
}
