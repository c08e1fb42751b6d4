import type { z } from "zod";

/** Turns zod issues into one readable line each: `losses.task: expected number, received string`. */
export function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length === 0 ? "(record)" : issue.path.map(String).join(".");
      return `${where}: ${issue.message}`;
    })
    .join("; ");
}
