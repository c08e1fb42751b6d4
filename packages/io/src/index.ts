// Public API of @adaptive-sparse/io: safetensors, atomic files, checkpoints, the model-family table with
// loadModel/saveModel (Hugging Face layouts, any backend), and the compressed 2:4 format.
export { FileFormatError, FileMissingError, FileWriteError, CheckpointError, StateDictError, SparsityPatternError } from "./errors.js";
export { describeWriteFailure, systemErrorCode, toWriteError } from "./write-failure.js";
export { makeFolder } from "./file-io.js";

export type { SafetensorsDType, HostArray, TypedArrayTensor, DeferredTensor, LoadedTensor } from "./safetensors-dtypes.js";
export { SAFETENSORS_DTYPES, DTYPE_BYTES, isSafetensorsDType } from "./safetensors-dtypes.js";
export { decodeFloat16, decodeBFloat16, encodeFloat16, encodeBFloat16 } from "./half.js";
export type { SafetensorsEntry, SafetensorsHeader } from "./safetensors-header.js";
export { readSafetensorsHeader } from "./safetensors-header.js";
export type { ReadSafetensorsOptions, NamedTensor } from "./safetensors-read.js";
export { readSafetensors, iterateSafetensors } from "./safetensors-read.js";
export type { TensorsToWrite } from "./safetensors-write.js";
export { writeSafetensors } from "./safetensors-write.js";

export { writeAtomically, writeFileAtomic, writeJsonAtomic } from "./atomic.js";

export type { CheckpointContent, LoadedCheckpoint, CheckpointStep, SaveCheckpointOptions, LoadCheckpointOptions } from "./checkpoint.js";
export { saveCheckpoint, loadCheckpoint } from "./checkpoint.js";
export type { CheckpointMarker, FileDigest } from "./checkpoint-marker.js";
export { CHECKPOINT_FILES } from "./checkpoint-marker.js";

export type { Gpt2Config } from "./gpt2-config.js";
export { nativeGpt2Shapes } from "./gpt2-config.js";
export { readHfConfig, readConfigJson, gpt2ConfigFromHf, writeHfConfig, SUPPORTED_HF_ARCHITECTURES } from "./hf-config.js";
export type { StateDict, Float32Tensor, NativeToHfOptions } from "./hf-gpt2.js";
export { gpt2HfLayout, hfToNative, nativeToHf } from "./hf-gpt2.js";
export type { HfLayout, HfTensor } from "./hf-layout.js";

export type { Compressed24 } from "./compress24.js";
export { compress24, decompress24 } from "./compress24.js";
export type { Compressed24LayerInput, Compressed24Layer, Compressed24File } from "./compressed24-file.js";
export { writeCompressed24, readCompressed24, COMPRESSED24_METADATA_KEY, COMPRESSED24_VERSION } from "./compressed24-file.js";
export { MODEL_FAMILIES } from "./model-families.js";
export type { ModelFamily } from "./model-families.js";
export { loadModel, saveModel, createModel, modelFamily, readDenseState } from "./load-model.js";
export type { LoadModelOptions, SaveModelOptions } from "./load-model.js";
export type { WeightDType } from "./hf-family-config.js";
export { loadGpt2, saveGpt2 } from "./gpt2-model.js";
export type { SaveGpt2Options } from "./gpt2-model.js";
export { LLAMA_FAMILIES, OPT_FAMILY } from "./llama-opt-families.js";
export { llamaConfigFromHf, llamaConfigToHf, writeLlamaConfig, LLAMA_ARCHITECTURES } from "./hf-llama-config.js";
export { optConfigFromHf, optConfigToHf, writeOptConfig, OPT_ARCHITECTURES } from "./hf-opt-config.js";
export { llamaShapes, optShapes } from "./family-shapes.js";
export { checkpointFiles, SHARD_INDEX } from "./checkpoint-files.js";
export type { CheckpointFile } from "./checkpoint-files.js";
export { checkWeights } from "./stream-weights.js";
export type { CheckedWeights, WeightLoadReport } from "./stream-weights.js";
