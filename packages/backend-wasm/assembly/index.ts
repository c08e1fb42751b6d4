// Entry point of the WebAssembly kernels (compiled by scripts/build-wasm.mjs into src/generated/).
// Everything works on raw pointers into linear memory that the JavaScript side manages: the module
// allocates nothing and has no data segments, so one compiled module can be instantiated by every worker
// over the same shared memory.
export { gemm, gemmWorkBytes } from "./gemm";
export { gemvDot, gemvAxpy } from "./gemv";
export { buildPairTable, pairTableBytes, prepareSparse24, preparedValuesBytes, preparedCodesBytes, sparse24Gemv, sparse24GemvBlocks, sparse24BlockOctets, sumPartials, packB24 } from "./sparse24";
export { runTask, taskWorkBytes, tileRows, tileCols } from "./tasks";
export { zeroBytes } from "./zero";
export { TASK_BYTES, TASK_GEMM, TASK_GEMV_DOT, TASK_GEMV_AXPY, TASK_SPARSE24_GEMV, TASK_SPARSE24_GEMM, TASK_ROWWISE, TASK_BINARY, TASK_REDUCE_SUM, TASK_ADAMW, TASK_GATHER_ROWS, TASK_WHERE, TASK_CAUSAL_SOFTMAX, TASK_CROSS_ENTROPY, TASK_UNPACK24, TASK_COPY_ROWS, TASK_ROTARY, TASK_GROUP_TOP_K4, TASK_COMPARE, TASK_SOFTMAX_KL } from "./tasks";
export { ADAMW_TEXTBOOK, ADAMW_GRADIENT, ADAMW_DECOUPLED, ADAMW_REFERENCE_INT_NOT, ADAMW_SGD, ADAMW_SCALARS } from "./adamw";
export { CMP_LT, CMP_LE, CMP_EQ, CMP_GT, CMP_GE } from "./compare";
export { BIN_ADD, BIN_MUL, BIN_SAME, BIN_ROW, BIN_COL, BIN_SCALAR } from "./binary";
export { ROW_GELU, ROW_GELU_GRAD, ROW_SOFTMAX, ROW_LOG_SOFTMAX, ROW_SOFTMAX_GRAD, ROW_LOG_SOFTMAX_GRAD, ROW_LAYER_NORM, ROW_LAYER_NORM_GRAD, ROW_RMS_NORM, ROW_RMS_NORM_GRAD, ROW_SILU, ROW_SILU_GRAD, ROW_ABS } from "./rowwise";
