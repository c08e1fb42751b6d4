/**
 * Seeded test data with no test-runner import, so the stress loop (src/stress/, also run as a script
 * outside vitest) can use it: uniform values and 2:4 weights in @adaptive-sparse/io's compressed layout.
 */

/** Deterministic uniform values in [-1, 1) (mulberry32). */
export function seededArray(length: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

/**
 * A random 2:4 weight [rows, cols]: in every group of 4 along a row, 2 seeded positions keep a value
 * (one group in 7 keeps a single value and one in 11 none, to cover padded groups), the rest are zero.
 */
export function random24(rows: number, cols: number, seed: number): Float32Array {
  const dense = seededArray(rows * cols, seed);
  const picks = seededArray((rows * cols) / 4, seed + 7);
  const pairs = [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]] as const;
  for (let g = 0; g < picks.length; g++) {
    const [first, second] = pairs[Math.floor(((picks[g]! + 1) / 2) * 6) % 6]!;
    for (let p = 0; p < 4; p++) {
      const kept = (p === first && g % 11 !== 0) || (p === second && g % 7 !== 0 && g % 11 !== 0);
      if (!kept) dense[g * 4 + p] = 0;
    }
  }
  return dense;
}

/** Compresses a 2:4 weight in the @adaptive-sparse/io layout (independent of io, for tests). */
export function compress24ForTest(dense: Float32Array, rows: number, cols: number) {
  const groups = (rows * cols) / 4;
  const values = new Float32Array(groups * 2);
  const indices = new Uint8Array(Math.ceil(groups / 2));
  for (let g = 0; g < groups; g++) {
    const kept: number[] = [];
    for (let p = 0; p < 4; p++) if (dense[g * 4 + p] !== 0) kept.push(p);
    for (let p = 0; kept.length < 2; p++) if (!kept.includes(p)) kept.push(p);
    kept.sort((x, y) => x - y);
    values[g * 2] = dense[g * 4 + kept[0]!]!;
    values[g * 2 + 1] = dense[g * 4 + kept[1]!]!;
    indices[g >> 1]! |= (kept[0]! | (kept[1]! << 2)) << ((g & 1) * 4);
  }
  return { values, indices, rows, cols };
}

