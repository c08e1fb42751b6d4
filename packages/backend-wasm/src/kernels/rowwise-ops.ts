/** The fused ops with a WebAssembly SIMD kernel, and the row kernel (assembly/rowwise.ts ROW_*) each runs. */
export const ROWWISE_OPS = {
  Gelu: "ROW_GELU",
  GeluGrad: "ROW_GELU_GRAD",
  Softmax: "ROW_SOFTMAX",
  LogSoftmax: "ROW_LOG_SOFTMAX",
  SoftmaxGrad: "ROW_SOFTMAX_GRAD",
  LogSoftmaxGrad: "ROW_LOG_SOFTMAX_GRAD",
  LayerNorm: "ROW_LAYER_NORM",
  LayerNormGrad: "ROW_LAYER_NORM_GRAD",
  RMSNorm: "ROW_RMS_NORM",
  RMSNormGrad: "ROW_RMS_NORM_GRAD",
  Silu: "ROW_SILU",
  SiluGrad: "ROW_SILU_GRAD",
  Abs: "ROW_ABS",
} as const;

export type RowwiseOp = keyof typeof ROWWISE_OPS;
