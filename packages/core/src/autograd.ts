import { keep, nextTensorId, noGrad, tidy } from "./engine.js";
import { GradError } from "./errors.js";
import { add, onesLike } from "./functions.js";
import { formatShape, shapesEqual } from "./shape.js";
import type { Tensor } from "./tensor.js";

export interface BackwardOptions {
  /** Keep the graph so backward can run through it again (like PyTorch's `retain_graph`). */
  retainGraph?: boolean;
}

/** Tensors reachable from `root` through recorded ops, inputs before outputs. */
function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: [Tensor, boolean][] = [[root, false]];
  while (stack.length) {
    const [tensor, expanded] = stack.pop()!;
    if (expanded) {
      order.push(tensor);
      continue;
    }
    if (seen.has(tensor)) continue;
    seen.add(tensor);
    stack.push([tensor, true]);
    for (const input of tensor.node?.inputs ?? []) if (input.requiresGrad && !seen.has(input)) stack.push([input, false]);
  }
  return order;
}

function accumulate(target: Tensor, grad: Tensor): void {
  const previous = target.grad;
  target.grad = keep(previous ? add(previous, grad) : grad.detach());
  previous?.dispose();
}

/** Reverse-mode sweep: every leaf that requires grad gets `.grad` accumulated. */
export function backward(root: Tensor, seed?: Tensor, options: BackwardOptions = {}): void {
  if (!root.requiresGrad) {
    throw new GradError(`backward(): tensor ${formatShape(root.shape)} does not require grad; set requiresGrad on the leaves you differentiate`);
  }
  if (root.node?.freed) {
    throw new GradError("backward(): the graph was already freed by an earlier backward(); pass { retainGraph: true } to the first call to go through it twice");
  }
  if (!seed && root.size !== 1) {
    throw new GradError(`backward(): output has shape ${formatShape(root.shape)}; without a gradient argument it must hold one element (reduce it with .sum() or .mean(), or pass a gradient of the same shape)`);
  }
  if (seed && !shapesEqual(seed.shape, root.shape)) {
    throw new GradError(`backward(): gradient has shape ${formatShape(seed.shape)} but the output has shape ${formatShape(root.shape)}`);
  }
  const order = topologicalOrder(root);
  const firstNewId = nextTensorId();
  noGrad(() =>
    tidy(() => {
      // Gradients in flight are freed as soon as the sweep has used them (not at the end of the sweep), so
      // peak memory is the forward activations plus a few gradients, as in PyTorch. A tensor may be held by
      // several entries (a VJP can pass its incoming gradient through to two inputs), hence the counts;
      // only tensors this sweep created are ever disposed here.
      const holders = new Map<Tensor, number>();
      const hold = (t: Tensor) => holders.set(t, (holders.get(t) ?? 0) + 1);
      const drop = (t: Tensor) => {
        const count = (holders.get(t) ?? 0) - 1;
        if (count > 0) holders.set(t, count);
        else {
          holders.delete(t);
          if (t.id > firstNewId) t.dispose();
        }
      };
      const grads = new Map<Tensor, Tensor>([[root, seed ?? onesLike(root)]]);
      hold(grads.get(root)!);
      for (let i = order.length - 1; i >= 0; i--) {
        const tensor = order[i];
        const grad = grads.get(tensor);
        if (!grad) continue;
        grads.delete(tensor);
        const node = tensor.node;
        if (!node || tensor.retainsGrad) accumulate(tensor, grad);
        if (node) {
          if (node.freed) throw new GradError(`backward(): the graph through ${node.def.name} was already freed; pass { retainGraph: true } to the earlier backward()`);
          const inputGrads = tidy(() => node.def.vjp!(grad, node.inputs, tensor, node.attrs));
          const used = node.inputs.map((input, j) => (input.requiresGrad ? inputGrads[j] : null) ?? null);
          used.forEach((inputGrad) => inputGrad && hold(inputGrad));
          node.inputs.forEach((input, j) => {
            const inputGrad = used[j];
            if (!inputGrad) return;
            const previous = grads.get(input);
            if (!previous) return void grads.set(input, inputGrad);
            const sum = add(previous, inputGrad);
            hold(sum);
            grads.set(input, sum);
            drop(previous);
            drop(inputGrad);
          });
          for (const unused of inputGrads) if (unused && !holders.has(unused) && unused !== grad && unused.id > firstNewId) unused.dispose();
        }
        drop(grad);
      }
      if (!options.retainGraph) {
        for (const tensor of order) {
          if (tensor.node) {
            tensor.node.freed = true;
            tensor.node.inputs = [];
          }
        }
      }
    }),
  );
}
