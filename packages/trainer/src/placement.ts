import { ConfigError, getDefaultBackend, type Backend } from "@adaptive-sparse/core";
import type { WindowBatch, WindowSampler } from "@adaptive-sparse/data";
import type { TeacherPlacement } from "./loss-computer.js";
import type { TrainOptions } from "./types.js";

/** Where a run computes, after {@link placeModels}. */
export interface Placement {
  /** The student's backend: batches, gradients, optimizer state and masks live here. */
  readonly backend: Backend;
  /** Set when the teacher runs on another backend than the student. */
  readonly teacherPlacement: TeacherPlacement | null;
  /** The sampler the loop draws from (it records each batch for a teacher on another backend). */
  readonly tapSampler: (sampler: WindowSampler) => WindowSampler;
}

/**
 * Moves the student to `options.backend` and the teacher to `options.teacherBackend` when they live
 * elsewhere (in place, as `Module.to` does), and says how the teacher is fed when the two differ.
 * @throws ConfigError when the teacher's backend differs from the student's and cannot read synchronously
 */
export async function placeModels(options: Pick<TrainOptions, "student" | "teacher" | "backend" | "teacherBackend">): Promise<Placement> {
  const { student } = options;
  const teacher = options.teacher ?? null;
  const backend = options.backend ?? student.backend ?? getDefaultBackend();
  if (student.backend !== backend) await student.to(backend);
  if (teacher && options.teacherBackend && teacher.backend !== options.teacherBackend) await teacher.to(options.teacherBackend);
  const teacherBackend = teacher?.backend ?? backend;
  if (teacherBackend === backend) return { backend, teacherPlacement: null, tapSampler: (sampler) => sampler };
  if (!teacherBackend.readSync) {
    throw new ConfigError(
      `train: the teacher runs on backend "${teacherBackend.name}" and the student on "${backend.name}"; a teacher on another backend must read synchronously ` +
        `(cpu or wasm) to hand its logits to the student within the step. Put the teacher on cpu/wasm (teacherBackend) or on the student's backend`,
    );
  }
  let last: WindowBatch | null = null;
  const tapSampler = (sampler: WindowSampler): WindowSampler => ({
    get positions() {
      return sampler.positions;
    },
    next: () => (last = sampler.next()),
    state: () => sampler.state(),
    restore: (state) => sampler.restore(state),
  });
  return { backend, teacherPlacement: { backend: teacherBackend, hostBatch: () => last! }, tapSampler };
}
