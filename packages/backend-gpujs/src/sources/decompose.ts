/** Kernels loop over at most this many (collapsed) axes; ops with more run on the cpu kernels. */
export const MAX_RANK = 8;

/**
 * gpu.js source statements that split the linear index `index` of a row-major space of `rank` axes (sizes at
 * `p[shapeAt + d]`) into coordinates and add `coord · p[strideAt + d]` to each target variable. Variables are
 * suffixed with `tag` so one kernel can decompose twice.
 *
 * gpu.js numbers are floats (f32 on the GPU modes) and WGSL's f32 division is not correctly rounded, so the
 * quotient is corrected by one in either direction: exact for indices below 2²⁴.
 */
export function decompose(index: string, rank: string, shapeAt: string, targets: readonly { name: string; strideAt: string }[], tag: string): string {
  return `let rem${tag} = ${index};
    for (let e${tag} = 0; e${tag} < ${MAX_RANK}; e${tag}++) {
      if (e${tag} < ${rank}) {
        const d${tag} = ${rank} - 1 - e${tag};
        const dim${tag} = p[${shapeAt} + d${tag}];
        let q${tag} = Math.floor(rem${tag} / dim${tag});
        if (q${tag} * dim${tag} > rem${tag}) { q${tag} = q${tag} - 1; }
        if ((q${tag} + 1) * dim${tag} <= rem${tag}) { q${tag} = q${tag} + 1; }
        const coord${tag} = rem${tag} - q${tag} * dim${tag};
${targets.map((t) => `        ${t.name} = ${t.name} + coord${tag} * p[${t.strideAt} + d${tag}];`).join("\n")}
        rem${tag} = q${tag};
      }
    }`;
}

/** `floor(a / b)` for non-negative integers held in floats, corrected like {@link decompose}. */
export function divide(target: string, a: string, b: string): string {
  return `let ${target} = Math.floor((${a}) / (${b}));
    if (${target} * (${b}) > (${a})) { ${target} = ${target} - 1; }
    if ((${target} + 1) * (${b}) <= (${a})) { ${target} = ${target} + 1; }`;
}
