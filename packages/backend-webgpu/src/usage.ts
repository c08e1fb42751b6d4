/*
 * WebGPU flag values from the spec, written out so the backend does not depend on the `GPUBufferUsage` and
 * `GPUMapMode` globals (Node only has them after copying the `webgpu` package's `globals`).
 */
export const MAP_READ = 0x0001;
export const COPY_SRC = 0x0004;
export const COPY_DST = 0x0008;
export const STORAGE = 0x0080;
export const MAP_MODE_READ = 0x0001;
export const QUERY_RESOLVE = 0x0200;
