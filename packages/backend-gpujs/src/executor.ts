/**
 * Runs kernel tasks in dispatch order. In the synchronous gpu.js modes (cpu, webasm) a task runs at once and
 * its errors throw from the op. In webgpu mode gpu.js returns promises, so tasks chain on one queue; the
 * first error a task raises is thrown by the next read or flush. Later tasks still run (ops that do not
 * depend on the failed one stay correct; those that do read its zero-filled output).
 */
export class Executor {
  #tail: Promise<void> = Promise.resolve();
  #failure: { error: unknown } | null = null;

  constructor(readonly sync: boolean) {}

  run(task: () => void | Promise<void>): void {
    if (this.sync) {
      const result = task();
      if (result instanceof Promise) throw new Error("gpujs backend: a synchronous mode returned a promise");
      return;
    }
    this.#tail = this.#tail.then(async () => {
      try {
        await task();
      } catch (error) {
        this.#failure ??= { error };
      }
    });
  }

  /** Waits for every queued task; throws the first error one raised. */
  async drain(): Promise<void> {
    await this.#tail;
    const failure = this.#failure;
    this.#failure = null;
    if (failure) throw failure.error;
  }
}
