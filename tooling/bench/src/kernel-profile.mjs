/* global performance */
// Per-kernel profile of a CPU backend: every kernel of its table is wrapped so that, while recording, each
// call's wall time is added to its op (the wasm and cpu kernels are synchronous, so a call's time is its
// work, pool included), and the process's page faults are counted around the recorded span.

/**
 * Wraps `backend.kernels` in place (the engine looks a kernel up on every dispatch).
 * @returns { record(fn): Promise<{ spanMs, minorFaults, majorFaults, ops: Map<op, { ms, calls }> }>, restore() }
 */
export function profileKernels(backend) {
  const originals = { ...backend.kernels };
  let ops = null;
  for (const [name, kernel] of Object.entries(originals)) {
    backend.kernels[name] = (out, inputs, attrs) => {
      if (!ops) return kernel(out, inputs, attrs);
      const start = performance.now();
      try {
        return kernel(out, inputs, attrs);
      } finally {
        const entry = ops.get(name) ?? { ms: 0, calls: 0 };
        entry.ms += performance.now() - start;
        entry.calls += 1;
        ops.set(name, entry);
      }
    };
  }
  return {
    async record(fn) {
      ops = new Map();
      const before = process.resourceUsage();
      const start = performance.now();
      try {
        await fn();
        const spanMs = performance.now() - start;
        const after = process.resourceUsage();
        return { spanMs, minorFaults: after.minorPageFault - before.minorPageFault, majorFaults: after.majorPageFault - before.majorPageFault, ops };
      } finally {
        ops = null;
      }
    },
    restore() {
      Object.assign(backend.kernels, originals);
    },
  };
}

/**
 * Per step: the recorded span divided by `steps`, ops sorted by time with their share of the step, and the
 * time outside kernels (dispatch, autograd, allocation, host reads) as "(outside kernels)".
 * @returns { steps, stepMs, kernelMs, minorFaultsPerStep, majorFaultsPerStep, ops: [{ op, msPerStep, callsPerStep, share }] }
 */
export function summarizeProfile(recorded, steps) {
  const ops = [...recorded.ops].map(([op, { ms, calls }]) => ({ op, msPerStep: ms / steps, callsPerStep: calls / steps }));
  const stepMs = recorded.spanMs / steps;
  const kernelMs = ops.reduce((sum, o) => sum + o.msPerStep, 0);
  ops.push({ op: "(outside kernels)", msPerStep: Math.max(0, stepMs - kernelMs), callsPerStep: 0 });
  ops.sort((a, b) => b.msPerStep - a.msPerStep);
  for (const o of ops) o.share = stepMs > 0 ? o.msPerStep / stepMs : 0;
  return { steps, stepMs, kernelMs, minorFaultsPerStep: recorded.minorFaults / steps, majorFaultsPerStep: recorded.majorFaults / steps, ops };
}

/** Markdown: the `top` ops by time per step, then page faults per step. */
export function profileTable(profile, top = 15) {
  const f = (v, d) => v.toFixed(d);
  const rows = profile.ops.slice(0, top).map((o) => `| ${o.op} | ${f(o.msPerStep, 1)} | ${o.callsPerStep ? f(o.callsPerStep, 0) : "—"} | ${f(100 * o.share, 1)}% |`);
  const rest = profile.ops.slice(top);
  if (rest.length) rows.push(`| ${rest.length} more ops | ${f(rest.reduce((s, o) => s + o.msPerStep, 0), 1)} | — | ${f(100 * rest.reduce((s, o) => s + o.share, 0), 1)}% |`);
  return [
    `${f(profile.stepMs, 1)} ms per step over ${profile.steps} profiled step${profile.steps > 1 ? "s" : ""} (${f(profile.kernelMs, 1)} ms in kernels); page faults per step: ${f(profile.minorFaultsPerStep, 0)} minor, ${f(profile.majorFaultsPerStep, 0)} major.`,
    "",
    "| op | ms/step | calls/step | share of step |",
    "| --- | ---: | ---: | ---: |",
    ...rows,
  ].join("\n");
}
