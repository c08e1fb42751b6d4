import { z } from "zod";

/** One method's row of the final comparison (mean and spread over seeds). */
export const resultRowSchema = z.object({
  method: z.string().min(1),
  label: z.string().min(1),
  trained: z.boolean(),
  seeds: z.number().int().nonnegative(),
  perplexity: z.record(z.string(), z.object({ mean: z.number().positive(), spread: z.number().nonnegative() })),
  // Mean per-token KL(teacher ‖ model) in nats per set; absent where the run did not measure it.
  kl: z.record(z.string(), z.object({ mean: z.number().nonnegative(), spread: z.number().nonnegative() })).optional(),
  wallSeconds: z.number().nonnegative(),
  tokens: z.number().nonnegative(),
});

/** results.json: the final comparison table. */
export const resultsSchema = z.object({
  title: z.string(),
  createdAt: z.string(),
  // A one-line description, or key/value facts (cpu, backend, node version...).
  machine: z.union([z.string(), z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))]),
  rows: z.array(resultRowSchema),
  validationSets: z.array(z.string().min(1)).min(1, "list at least one validation set name"),
});

export type ResultRow = z.infer<typeof resultRowSchema>;
/** Parsed results.json. */
export type Results = z.infer<typeof resultsSchema>;
