import { ShapeError, validateOptions } from "@adaptive-sparse/core";
import { z } from "zod";
import { requireInput } from "./require-input.js";
import type { EvaluatorPlugin, NamedWeight } from "./types.js";

/** Options of the `nm-validity` evaluator. */
export const nmValidityOptions = z
  .strictObject({
    n: z.number().int().positive().default(2).describe("N: most nonzeros allowed per group"),
    m: z.number().int().positive().default(4).describe("M: group size, consecutive columns of one row"),
  })
  .refine((value) => value.n <= value.m, { message: "n must be at most m", path: ["n"] });

/** Options accepted by {@link checkNMValidity}. */
export type NMValidityOptions = z.input<typeof nmValidityOptions>;

/** The N:M report of one weight matrix. */
export interface NMLayerReport {
  readonly name: string;
  readonly rows: number;
  readonly cols: number;
  /** rows · floor(cols / m). */
  readonly groups: number;
  /** Groups with more than N nonzeros (these break N:M). */
  readonly groupsOverN: number;
  /** Groups with fewer than N nonzeros (allowed: a kept weight that is exactly 0). */
  readonly groupsUnderN: number;
  /** Entries that are not exactly 0 (NaN counts as nonzero). */
  readonly nonzeros: number;
  /** Fraction of entries that are exactly 0. */
  readonly sparsity: number;
  readonly valid: boolean;
  /** Why the layer is invalid beyond group counts (cols not a multiple of m); absent otherwise. */
  readonly problem?: string;
}

/** The N:M report of a whole model. */
export interface NMValidityReport {
  readonly n: number;
  readonly m: number;
  readonly layers: NMLayerReport[];
  /** True when every layer is valid. */
  readonly valid: boolean;
  /** Zero entries / all entries, over every layer given. */
  readonly sparsity: number;
  readonly groups: number;
  readonly groupsOverN: number;
}

function checkLayer(weight: NamedWeight, n: number, m: number): NMLayerReport {
  const { name, data, rows, cols } = weight;
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0 || data.length !== rows * cols) {
    throw new ShapeError(`nm-validity: weight "${name}" has ${data.length} values but rows × cols = ${rows} × ${cols}; pass the row-major [rows, cols] matrix`);
  }
  const perRow = Math.floor(cols / m);
  let groupsOverN = 0;
  let groupsUnderN = 0;
  let nonzeros = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) if (data[r * cols + c] !== 0) nonzeros++;
    for (let g = 0; g < perRow; g++) {
      let count = 0;
      const start = r * cols + g * m; // group g of row r: columns gM .. gM+M-1 (method.md §1.2)
      for (let k = 0; k < m; k++) if (data[start + k] !== 0) count++;
      if (count > n) groupsOverN++;
      else if (count < n) groupsUnderN++;
    }
  }
  const problem = cols % m === 0 ? undefined : `cols ${cols} is not a multiple of m = ${m}, so the last ${cols % m} columns of each row form no group`;
  const size = rows * cols;
  return {
    name,
    rows,
    cols,
    groups: rows * perRow,
    groupsOverN,
    groupsUnderN,
    nonzeros,
    sparsity: size === 0 ? 0 : (size - nonzeros) / size,
    valid: groupsOverN === 0 && problem === undefined,
    ...(problem ? { problem } : {}),
  };
}

/**
 * Checks exported weights for N:M sparsity (method.md §1.2, §10.1 item 1): in every row, every group of
 * M consecutive columns may hold at most N nonzeros (exactly N unless a kept weight is exactly 0).
 *
 * @param weights the prunable matrices, row-major `[rows, cols]` (`[out, in]`), by name.
 * @param options `{ n = 2, m = 4 }`.
 * @returns per-layer group counts and overall `valid` and `sparsity`.
 * @throws ShapeError when a weight's data length is not rows × cols; ConfigError for invalid options.
 * @example
 * checkNMValidity([{ name: "h.0.mlp.c_fc", data: new Float32Array([1, 0, 2, 0]), rows: 1, cols: 4 }]).valid // true
 */
export function checkNMValidity(weights: readonly NamedWeight[], options: NMValidityOptions = {}): NMValidityReport {
  const { n, m } = validateOptions('evaluator "nm-validity"', nmValidityOptions, options);
  const layers = weights.map((weight) => checkLayer(weight, n, m));
  const size = layers.reduce((total, layer) => total + layer.rows * layer.cols, 0);
  const zeros = layers.reduce((total, layer) => total + layer.rows * layer.cols - layer.nonzeros, 0);
  return {
    n,
    m,
    layers,
    valid: layers.every((layer) => layer.valid),
    sparsity: size === 0 ? 0 : zeros / size,
    groups: layers.reduce((total, layer) => total + layer.groups, 0),
    groupsOverN: layers.reduce((total, layer) => total + layer.groupsOverN, 0),
  };
}

/**
 * A plain-text table of a report, one line per layer plus a summary (what the CLI's `eval` prints).
 * @example console.log(formatNMValidity(checkNMValidity(weights)));
 */
export function formatNMValidity(report: NMValidityReport): string {
  const width = Math.max(5, ...report.layers.map((layer) => layer.name.length));
  const percent = (x: number) => `${(100 * x).toFixed(2)}%`;
  const lines = [`${"layer".padEnd(width)}  shape          groups  >${report.n} nonzero  sparsity  ${report.n}:${report.m}`];
  for (const layer of report.layers) {
    const shape = `[${layer.rows}, ${layer.cols}]`.padEnd(13);
    lines.push(
      `${layer.name.padEnd(width)}  ${shape}  ${String(layer.groups).padStart(6)}  ${String(layer.groupsOverN).padStart(10)}  ${percent(layer.sparsity).padStart(8)}  ${layer.valid ? "ok" : "INVALID"}` +
        (layer.problem ? ` (${layer.problem})` : ""),
    );
  }
  lines.push(`${report.valid ? "valid" : "NOT valid"} ${report.n}:${report.m}: ${report.layers.length} layers, ${report.groupsOverN} of ${report.groups} groups over ${report.n} nonzeros, sparsity ${percent(report.sparsity)}`);
  return lines.join("\n");
}

/** Registry plugin `nm-validity` (kind `evaluator`): reads `weights`; metric `valid` is 1 or 0. */
export const nmValidityEvaluator: EvaluatorPlugin<NMValidityOptions, NMValidityReport> = {
  name: "nm-validity",
  apiVersion: 1,
  description: "checks that every group of M consecutive columns of each weight row holds at most N nonzeros",
  options: nmValidityOptions,
  needs: ["weights"],
  metrics: ["valid", "sparsity", "groups", "groupsOverN", "layers"],
  async run(inputs, options = {}) {
    validateOptions('evaluator "nm-validity"', nmValidityOptions, options);
    const details = checkNMValidity(requireInput("nm-validity", inputs, "weights"), options);
    return {
      metrics: { valid: details.valid ? 1 : 0, sparsity: details.sparsity, groups: details.groups, groupsOverN: details.groupsOverN, layers: details.layers.length },
      details,
    };
  },
};
