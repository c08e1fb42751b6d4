import { WORKGROUP, workgroupMain } from "./wgsl.js";

/**
 * Row reductions through subgroup operations (where the device has the `subgroups` feature): a subgroup sums or
 * maxes in registers, its first lane writes one slot per subgroup, and every subgroup reduces the slots: two
 * barriers instead of the shared-memory tree's nine. Every thread gets the result; call in uniform control flow.
 * `sg` is (subgroup_invocation_id, subgroup_size). Summation order is fixed for a given subgroup size.
 */
const SUBGROUP_REDUCTIONS = `var<workgroup> slots: array<f32, ${WORKGROUP}>;
var<workgroup> mixedLanes: u32;
fn rowSumSg(sg: vec2u, v: f32, lid: u32) -> f32 {
  let part = subgroupAdd(v);
  if (sg.x == 0u) { slots[lid / sg.y] = part; }
  workgroupBarrier();
  var t = 0.0;
  for (var j = sg.x; j < ${WORKGROUP}u / sg.y; j += sg.y) { t += slots[j]; }
  let total = subgroupAdd(t);
  workgroupBarrier();
  return total;
}
fn rowMaxSg(sg: vec2u, v: f32, lid: u32) -> f32 {
  let part = subgroupMax(v);
  if (sg.x == 0u) { slots[lid / sg.y] = part; }
  workgroupBarrier();
  var t = -inf_();
  for (var j = sg.x; j < ${WORKGROUP}u / sg.y; j += sg.y) { t = max(t, slots[j]); }
  let best = subgroupMax(t);
  workgroupBarrier();
  return best;
}`;

/** The body with its workgroup reductions (`rowSum(`, `rowMax(`, `rowLse(`) switched to the subgroup versions. */
export function toSubgroups(body: string): string {
  return body.replace(/\b(rowSum|rowMax|rowLse)\(/g, "$1Sg(sg, ");
}

/**
 * A row program: `declarations` (which define the shared-memory `rowSum`/`rowMax`, and `rowLseSg` where the body
 * uses `rowLse`) and the entry running `body` for workgroup `g`. With `subgroups`, the entry first checks that
 * the subgroups are runs of consecutive invocation indices (the slots above assume it; WebGPU does not promise
 * it, so a device that forms them otherwise takes the shared-memory path, decided per workgroup, uniformly).
 */
export function rowModule(subgroups: boolean, declarations: readonly string[], body: string): string {
  if (!subgroups) return [...declarations, workgroupMain(body)].join("\n");
  const main = `@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32,
        @builtin(subgroup_invocation_id) lane: u32, @builtin(subgroup_size) size: u32) {
  let g = wid.y * nwg.x + wid.x;
  if (lid == 0u) { mixedLanes = 0u; }
  workgroupBarrier();
  let first = subgroupBroadcast(lid, 0u);
  if (lane != lid % size || first != lid - lane) { mixedLanes = 1u; }
  let sg = vec2u(lane, size);
  if (workgroupUniformLoad(&mixedLanes) == 0u) {
${toSubgroups(body)}
  } else {
${body}
  }
}`;
  return ["enable subgroups;", ...declarations, SUBGROUP_REDUCTIONS, main].join("\n");
}
