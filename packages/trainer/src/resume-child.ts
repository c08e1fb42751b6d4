// Test fixture: resume.test.ts bundles this file with esbuild and runs it in a fresh Node process, so the
// resumed run builds every object anew and reads its state only from disk. Not exported.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Generator } from "@adaptive-sparse/core";
import { readSafetensors, writeSafetensors } from "@adaptive-sparse/io";
import { GPT } from "@adaptive-sparse/nn";
import { RESUME_CONFIG, RESUME_MODEL, hostTensors, modelFromHost, resumeData } from "./resume-fixture.js";
import { train } from "./train.js";

const [checkpoint, teacherFile, outDir] = process.argv.slice(2);
const teacher = modelFromHost(await readSafetensors(teacherFile));
// Random weights on purpose: everything the student holds must come from the checkpoint.
const student = new GPT(RESUME_MODEL, { generator: new Generator(424242) });
const result = await train({ config: RESUME_CONFIG, student, teacher, data: resumeData(), resumeFrom: checkpoint });
await writeSafetensors(join(outDir, "final.safetensors"), await hostTensors(result.model));
await writeFile(join(outDir, "result.json"), JSON.stringify({ losses: result.losses, step: result.step, status: result.status }));
