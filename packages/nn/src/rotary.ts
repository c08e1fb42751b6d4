import { ConfigError, ShapeError, keep, rotary, tensor, type Backend, type Tensor } from "@adaptive-sparse/core";

/** Hugging Face `rope_scaling` kinds LLaMA-family checkpoints use (`null` in config.json: none). */
export type RopeScaling =
  | { readonly type: "linear"; readonly factor: number }
  | {
      readonly type: "llama3";
      readonly factor: number;
      readonly lowFreqFactor: number;
      readonly highFreqFactor: number;
      readonly originalMaxPositionEmbeddings: number;
    };

/**
 * The rotary inverse frequencies `1 / theta^(2i / headDim)` for i < headDim/2, with Hugging Face's
 * `rope_scaling`: `linear` divides every frequency by `factor` (positions / factor); `llama3` keeps
 * high frequencies (wavelength < original context / highFreqFactor), divides low ones (wavelength >
 * original context / lowFreqFactor) by `factor` and blends linearly in between (LLaMA 3.1's rule).
 */
export function ropeInverseFrequencies(headDim: number, theta: number, scaling: RopeScaling | null = null): Float64Array {
  if (headDim % 2 !== 0) throw new ConfigError(`rotary: head dimension ${headDim} is odd; rotary embeddings rotate pairs of features`);
  const out = new Float64Array(headDim / 2);
  for (let i = 0; i < out.length; i++) {
    // HF computes this in float32; rounding here keeps the tables identical to its to ~1 ulp.
    let frequency = Math.fround(1 / Math.fround(theta ** Math.fround((2 * i) / headDim)));
    if (scaling?.type === "linear") frequency /= scaling.factor;
    else if (scaling?.type === "llama3") {
      const { factor, lowFreqFactor, highFreqFactor, originalMaxPositionEmbeddings: context } = scaling;
      const wavelength = (2 * Math.PI) / frequency;
      if (wavelength > context / lowFreqFactor) frequency /= factor;
      else if (wavelength >= context / highFreqFactor) {
        const smooth = (context / wavelength - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
        frequency = ((1 - smooth) * frequency) / factor + smooth * frequency;
      }
    }
    out[i] = Math.fround(frequency);
  }
  return out;
}

/**
 * cos and sin tables [positions, headDim] of LLaMA's rotary embedding: column j and j + headDim/2 both
 * hold angle `position · frequency[j]` (Hugging Face's half-split layout, paired with {@link rotateHalf}).
 */
export function rotaryTables(positions: number, frequencies: Float64Array): { cos: Float32Array; sin: Float32Array } {
  const half = frequencies.length;
  const cos = new Float32Array(positions * 2 * half);
  const sin = new Float32Array(positions * 2 * half);
  for (let p = 0; p < positions; p++) {
    for (let j = 0; j < half; j++) {
      const angle = Math.fround(p * Math.fround(frequencies[j]!));
      for (const column of [j, j + half]) {
        cos[p * 2 * half + column] = Math.cos(angle);
        sin[p * 2 * half + column] = Math.sin(angle);
      }
    }
  }
  return { cos, sin };
}

export { rotateHalf } from "@adaptive-sparse/core"; // Hugging Face's rotate_half, kept here for code that imported it from nn

/**
 * Rotary position embedding shared by every attention layer of a model (Hugging Face's
 * `model.rotary_emb`): holds no parameters, and keeps one cos/sin table per backend it is used on,
 * made on first use for the longest sequence seen so far (not for all `maxPositions`: LLaMA 3.1 allows
 * 131072, 128 MB of tables) and freed by {@link RotaryEmbedding.dispose}, so a forward uploads nothing.
 * A graph recorded for backward reads the table it was made with, so a table outgrown by a longer
 * sequence is kept until dispose() (the sizes double: at most as much again).
 */
export class RotaryEmbedding {
  readonly frequencies: Float64Array;
  readonly #tables = new Map<Backend, { cos: Tensor; sin: Tensor; positions: number }>();
  readonly #outgrown: { cos: Tensor; sin: Tensor }[] = [];

  constructor(
    readonly headDim: number,
    readonly maxPositions: number,
    theta: number,
    scaling: RopeScaling | null = null,
  ) {
    this.frequencies = ropeInverseFrequencies(headDim, theta, scaling);
  }

  /**
   * Rotates q or k [..., T, headDim] by the angles of positions start..start+T−1 (start > 0: new positions
   * after `start` cached ones).
   * @throws ShapeError when start + T exceeds the model's positions or the last axis is not headDim
   */
  apply(x: Tensor, start = 0): Tensor {
    const T = x.shape[x.rank - 2]!;
    if (x.shape[x.rank - 1] !== this.headDim || start + T > this.maxPositions) {
      const from = start ? `positions ${start}..${start + T - 1}` : `${T} positions`;
      throw new ShapeError(`RotaryEmbedding: input [..., ${T}, ${x.shape[x.rank - 1]}] at ${from} needs last axis ${this.headDim} and at most ${this.maxPositions} positions`);
    }
    const { cos, sin } = this.#tablesOn(x.backend, start + T);
    return rotary(x, cos, sin, start);
  }

  #tablesOn(backend: Backend, T: number): { cos: Tensor; sin: Tensor } {
    let tables = this.#tables.get(backend);
    if (!tables || tables.positions < T) {
      if (tables) this.#outgrown.push(tables);
      const positions = Math.min(this.maxPositions, Math.max(T, 2 * (tables?.positions ?? 0), 64));
      const { cos, sin } = rotaryTables(positions, this.frequencies);
      const shape = [positions, this.headDim];
      tables = { cos: keep(tensor(cos, { shape, backend })), sin: keep(tensor(sin, { shape, backend })), positions };
      this.#tables.set(backend, tables);
    }
    return tables;
  }

  #free(tables: { cos: Tensor; sin: Tensor }): void {
    tables.cos.dispose();
    tables.sin.dispose();
  }

  /** Frees the cached tables (a later `apply` makes them again). */
  dispose(): void {
    this.#tables.forEach((tables) => this.#free(tables));
    this.#tables.clear();
    this.#outgrown.splice(0).forEach((tables) => this.#free(tables));
  }
}
