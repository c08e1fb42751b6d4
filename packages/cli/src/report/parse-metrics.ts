import { formatIssues } from "./format-issues.js";
import { METRICS_EVENT_TYPES, metricsEventSchema, type MetricsEvent } from "./metrics-schema.js";
import { RunFolderError } from "./run-folder-error.js";

/** A parsed record with the 1-based line it came from. */
export interface LocatedEvent {
  line: number;
  event: MetricsEvent;
}

/**
 * Parses metrics.jsonl text: one JSON object per line, blank lines skipped. Throws a RunFolderError naming
 * `file` and the line for the first bad record, since a report built from half-valid data would mislead.
 */
export function parseMetrics(text: string, file: string): LocatedEvent[] {
  const events: LocatedEvent[] = [];
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index]!.trim();
    if (raw === "") continue;
    const line = index + 1;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      // A torn last line is what a crashed writer leaves behind; say so rather than only "bad JSON".
      const last = lines.slice(index + 1).every((rest) => rest.trim() === "");
      const hint = last ? " (the last line looks cut off: did the run crash while writing?)" : "";
      throw new RunFolderError(file, line, `not valid JSON: ${(error as Error).message}${hint}`);
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new RunFolderError(file, line, "each line must be one JSON object with a `type` field");
    }
    const type = (value as { type?: unknown }).type;
    if (!(METRICS_EVENT_TYPES as readonly unknown[]).includes(type)) {
      throw new RunFolderError(
        file,
        line,
        `unknown record type ${JSON.stringify(type)}; expected one of ${METRICS_EVENT_TYPES.join(", ")}`,
      );
    }
    const parsed = metricsEventSchema.safeParse(value);
    if (!parsed.success) {
      throw new RunFolderError(file, line, `bad "${String(type)}" record: ${formatIssues(parsed.error)}`);
    }
    events.push({ line, event: parsed.data });
  }
  if (events.length === 0) throw new RunFolderError(file, undefined, "holds no records; the run logged nothing");
  return events;
}
