import type { RunSeries } from "./group-runs.js";

// Colour-blind-safe hues (Okabe–Ito order, yellow dropped: it vanishes on white).
const METHOD_HUES = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#7f3c8d", "#3d3d3d"];

/** Colours for the parts of one run's loss chart, shared by every small multiple so they read alike. */
export const LOSS_COLORS = { total: "#1f2937", task: "#2563eb", kl: "#ea580c", layerwise: "#16a34a" };
/** The dense teacher reference. */
export const TEACHER_COLOR = "#6b7280";
/** Bars of the final comparison, one colour per validation set. */
export const SET_COLORS = ["#3b6fb6", "#e4a23b", "#55a868", "#c44e52", "#8172b3", "#64b5cd"];
/** Line dashes that tell validation sets apart while colour tells runs apart. */
export const SET_DASHES: number[][] = [[], [7, 4], [2, 3], [10, 3, 2, 3]];

/** Mixes a `#rrggbb` colour with white; `amount` 0 keeps it, 1 gives white. */
export function lighten(hex: string, amount: number): string {
  const channel = (offset: number): string => {
    const value = parseInt(hex.slice(offset, offset + 2), 16);
    return Math.round(value + (255 - value) * amount)
      .toString(16)
      .padStart(2, "0");
  };
  return `#${channel(1)}${channel(3)}${channel(5)}`;
}

/**
 * One colour per run: runs of the same method share a hue (in order of first appearance) and later
 * seeds get lighter shades, so seeds of a method read as a family.
 */
export function runColors(runs: readonly RunSeries[]): Map<string, string> {
  const hueOf = new Map<string, string>();
  const seen = new Map<string, number>();
  const colors = new Map<string, string>();
  for (const run of runs) {
    if (!hueOf.has(run.method)) hueOf.set(run.method, METHOD_HUES[hueOf.size % METHOD_HUES.length]!);
    const index = seen.get(run.method) ?? 0;
    seen.set(run.method, index + 1);
    colors.set(run.run, lighten(hueOf.get(run.method)!, Math.min(0.6, index * 0.3)));
  }
  return colors;
}
