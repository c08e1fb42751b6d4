/** Deterministic pseudo-random numbers in [-1, 1) for test inputs. */
export function randomValues(count: number, seed = 1): number[] {
  let state = seed >>> 0 || 1;
  return Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  });
}
