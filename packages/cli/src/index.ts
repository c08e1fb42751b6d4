/**
 * @adaptive-sparse/cli: the `adaptive-sparse` command (pretrain, prune, eval, export, report, bench,
 * generate) and the building blocks it is made of, for scripts such as the example app.
 */
export { main, createProgram } from "./main.js";
export type { MainOptions } from "./main.js";
export { createCliRegistry } from "./registry.js";
export { OPTIONAL_BACKENDS, lazyBackendPlugin, registerOptionalBackends } from "./optional-backends.js";
export type { OptionalBackend } from "./optional-backends.js";
export { CORPUS_PACKAGES } from "./optional-corpora.js";
export { CliError, formatError } from "./errors.js";
export { readConfigFile } from "./config-file.js";
export { applyOverrides, applyValues, parseOverride, parseSetValue } from "./overrides.js";
export { selectBackend, BACKEND_ENV, DEFAULT_BACKENDS } from "./backends.js";
export { loadCorpus, corpusTokens, datasetFor, BUILTIN_CORPORA } from "./corpus.js";
export type { CorpusOptions, CorpusTokens, CorpusTokensOptions } from "./corpus.js";
export { prepareRunFolder, withContinueHint, RUN_OUTPUTS } from "./run-folder.js";
export { aggregate, machineFacts, maskSlices, teacherRow, writeMasks, writeResults } from "./run-results.js";
export type { ResultRow, RunOutcome } from "./run-results.js";
export { PRETRAIN_DEFAULTS, PRUNE_DEFAULTS, withPretrainDefaults, withPruneDefaults } from "./trainer-defaults.js";
export { loadModelFolder, saveModelFolder } from "./model-folder.js";
export type { ModelFolder } from "./model-folder.js";
export { loadFolderTokenizer, saveFolderTokenizer, tokenizerFile, TOKENIZER_FILE } from "./tokenizers.js";
export type { TokenizerFile } from "./tokenizers.js";
export { progressReporter } from "./progress.js";
export type { ProgressMode } from "./progress.js";
export { useBackend, prepareData, labelled, abortOnSignals, shortName } from "./runtime.js";
export { exportCompressed24 } from "./export-compressed.js";
export { isTwoFour, useCompressed24 } from "./compressed-inference.js";
export { pretrain } from "./commands/pretrain.js";
export type { PretrainOptions } from "./commands/pretrain.js";
export { prune } from "./commands/prune.js";
export type { PruneOptions } from "./commands/prune.js";
export { evaluate, sparseWeights, parseNM } from "./commands/evaluate.js";
export type { EvalOptions } from "./commands/evaluate.js";
export { exportModel } from "./commands/export.js";
export { generateText } from "./commands/generate.js";
export { bench } from "./commands/bench.js";
export { report } from "./commands/report.js";
export { readRun, renderReport, writeReport, RunFolderError } from "./report/index.js";
