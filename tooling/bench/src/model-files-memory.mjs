// Peak resident memory of writing and reading a GPT-2 124M-shaped model folder on the cpu backend, each in a
// fresh process (VmHWM is a process's high-water mark):
//   node tooling/bench/src/model-files-memory.mjs [--dtype F32|F16|BF16]
// save: `saveModel` (model.safetensors + config.json); load: `loadModel` of that folder; export24: the CLI's
// `exportCompressed24` (`export --format compressed24`) of the model with 2:4 masks. A model of zeros (`init:
// false`) keeps the set-up fast; what is measured is the host memory the file code adds on top of the model.
// Needs the packages' dist builds. About 30 s.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";

const GPT2_124M = { nLayer: 12, nHead: 12, nEmbd: 768, blockSize: 1024, vocabSize: 50257 };
const MiB = 2 ** 20;
const status = (field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync("/proc/self/status", "utf8"))[1]) * 1024;

/** One measurement in this process: prints { rssBefore, peak, modelBytes, seconds } as JSON. */
async function child(what, folder, dtype) {
  const { createCpuBackend, groupTopK, tidy } = await import("@adaptive-sparse/core");
  const { GPT, sparsify } = await import("@adaptive-sparse/nn");
  const { loadModel, saveModel } = await import("@adaptive-sparse/io");
  const backend = createCpuBackend();
  let model = what === "load" ? null : new GPT(GPT2_124M, { backend, init: false });
  const layers = what === "export24" ? sparsify(model) : null;
  for (const { layer } of layers ?? []) tidy(() => layer.setMask(groupTopK(layer.weight.abs(), 2, 4)));
  const rssBefore = status("VmRSS");
  const started = performance.now();
  if (what === "save") await saveModel(model, folder, { dtype });
  if (what === "load") model = await loadModel(folder, { backend });
  if (what === "export24") {
    const { exportCompressed24 } = await import("@adaptive-sparse/cli");
    const { byteTokenizer } = await import("@adaptive-sparse/data");
    await exportCompressed24(join(folder, "model-24.safetensors"), { model, layers }, byteTokenizer.create({}));
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ rssBefore, peak: status("VmHWM"), modelBytes: 4 * model.numParameters(), seconds }));
}

const { values } = parseArgs({ options: { child: { type: "string" }, folder: { type: "string" }, dtype: { type: "string", default: "F32" } } });
if (values.child) {
  await child(values.child, values.folder, values.dtype);
} else {
  const folder = mkdtempSync(join(tmpdir(), "model-files-memory-"));
  try {
    const run = (what) => JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), "--child", what, "--folder", folder, "--dtype", values.dtype], { encoding: "utf8" }).trim().split("\n").at(-1));
    console.log(`GPT-2 124M-shaped model on the cpu backend, ${values.dtype} weights; each row a fresh process\n`);
    console.log("| operation | model MiB | resident before MiB | peak MiB | added MiB | seconds |\n| --- | ---: | ---: | ---: | ---: | ---: |");
    for (const [what, label] of [["save", "saveModel"], ["load", "loadModel"], ["export24", "export --format compressed24"]]) {
      const { rssBefore, peak, modelBytes, seconds } = run(what);
      // A load starts from nothing: what it adds is the whole peak less the process's own.
      console.log(`| ${label} | ${(modelBytes / MiB).toFixed(0)} | ${(rssBefore / MiB).toFixed(0)} | ${(peak / MiB).toFixed(0)} | ${((peak - rssBefore) / MiB).toFixed(0)} | ${seconds.toFixed(1)} |`);
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
