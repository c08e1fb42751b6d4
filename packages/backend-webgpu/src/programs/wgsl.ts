import type { DType } from "@adaptive-sparse/core";

/** Threads per workgroup of the 1-D kernels (WebGPU's default `maxComputeInvocationsPerWorkgroup`). */
export const WORKGROUP = 256;

/** The WGSL element type a dtype is stored as: u8 masks take a whole u32 word per element. */
export type WgslType = "f32" | "i32" | "u32";

export function wgslType(dtype: DType): WgslType {
  switch (dtype) {
    case "f32":
      return "f32";
    case "i32":
      return "i32";
    case "u8":
      return "u32";
    case "f64":
      throw new Error("f64 never reaches a WGSL program (alloc rejects it)");
  }
}

/** Binding 0 of every program: its integer parameters (sizes, shapes, strides) as one u32 array. */
export const PARAMS = "@group(0) @binding(0) var<storage, read> p: array<u32>;";

/** A storage buffer binding (bindings 1.. in the order the kernel passes its buffers). */
export function storage(binding: number, name: string, type: string, access: "read" | "read_write"): string {
  return `@group(0) @binding(${binding}) var<storage, ${access}> ${name}: array<${type}>;`;
}

/**
 * NaN test on the bits: compilers may fold `v != v` to false (lavapipe does), so the usual idiom is unsafe.
 */
export const ISNAN = "fn isnan_(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }";

/**
 * Offset of the element with row-major linear index `index` in an iteration space whose `rank` dims start at
 * `p[shapeAt]`, for an operand whose strides start at `p[strideAt]`.
 */
export const OFFSET_OF = `fn offsetOf(index: u32, rank: u32, shapeAt: u32, strideAt: u32) -> u32 {
  var rem = index;
  var off = 0u;
  for (var d = rank; d > 0u; d--) {
    let dim = p[shapeAt + d - 1u];
    off += (rem % dim) * p[strideAt + d - 1u];
    rem /= dim;
  }
  return off;
}`;

/**
 * A 1-D kernel: one thread per element `i < p[0]`. Grids past 65535 workgroups fold into a second dimension,
 * hence the `wid.y * nwg.x` term.
 */
export function elementwiseMain(body: string): string {
  return `@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * ${WORKGROUP}u + lid;
  if (i >= p[0]) { return; }
${body}
}`;
}

/** A workgroup-per-item kernel: workgroup index `g < p[0]` (folded like {@link elementwiseMain}), thread `lid`. */
export function workgroupMain(body: string): string {
  return `@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let g = wid.y * nwg.x + wid.x;
${body}
}`;
}

/**
 * NaN and ±Inf as runtime values: WGSL rejects them in constant expressions ("value -inf cannot be
 * represented as 'f32'"), so the bits go through a `var` first.
 */
export const SPECIAL_FLOATS = `fn nan_() -> f32 { var bits = 0x7fc00000u; return bitcast<f32>(bits); }
fn inf_() -> f32 { var bits = 0x7f800000u; return bitcast<f32>(bits); }`;

/** The smallest value of a type (the identity of max); f32 needs {@link SPECIAL_FLOATS}. */
export function lowest(type: WgslType): string {
  return type === "f32" ? "-inf_()" : type === "i32" ? "i32(-2147483647 - 1)" : "0u";
}

/**
 * A program generator that builds each specialisation once: kernels ask for their source on every dispatch,
 * and the GEMM's takes ~0.1 ms to generate; the same string object also keeps its hash for the pipeline
 * and bind-group caches.
 */
export function memo<A extends readonly unknown[]>(generate: (...args: A) => string): (...args: A) => string {
  const sources = new Map<string, string>();
  return (...args: A) => {
    const key = JSON.stringify(args);
    let code = sources.get(key);
    if (code === undefined) sources.set(key, (code = generate(...args)));
    return code;
  };
}
