import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "@adaptive-sparse/core";
import { DataFileError, EmptyCorpusError, TextFieldError } from "../errors.js";
import { jsonlDataset, loadJsonl } from "./jsonl.js";

// Lines shaped like C4's: {"text", "timestamp", "url"}.
const lines = [
  { text: "Beginners BBQ Class Taking Place in Missoula!", timestamp: "2019-04-25T12:57:54Z", url: "https://a.example" },
  { text: "Discussion in 'Mac OS X Lion (10.7)' — started", timestamp: "2019-04-21T10:07:13Z", url: "https://b.example" },
  { text: "Foil plaid lycra and spandex shortall", timestamp: "2019-04-25T10:40:23Z", url: "https://c.example" },
];
const body = lines.map((line) => JSON.stringify(line)).join("\n") + "\n\n";

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "jsonl-"));
  await writeFile(join(folder, "c4-train.00000-of-01024.json"), body);
  await writeFile(join(folder, "c4-train.00001-of-01024.json.gz"), gzipSync(body));
  await writeFile(join(folder, "custom.jsonl"), '{"content": "x"}\n{"content": "y"}\r\n');
  await writeFile(join(folder, "bad.jsonl"), '{"text": "ok"}\n{"text": oops}\n');
  await writeFile(join(folder, "truncated.json.gz"), gzipSync(body).subarray(0, 40));
  await writeFile(join(folder, "blank.jsonl"), "\n\n");
});
afterAll(() => rm(folder, { recursive: true, force: true }));

describe("jsonl", () => {
  it("reads the text field of each line, skipping blank lines", async () => {
    const corpus = await loadJsonl({ path: join(folder, "c4-train.00000-of-01024.json") });
    expect(corpus).toEqual({ name: "c4-train", documents: lines.map((line) => line.text) });
  });

  it("gunzips a C4-style .json.gz shard as a stream", async () => {
    const corpus = await jsonlDataset.load({ path: join(folder, "c4-train.00001-of-01024.json.gz") });
    expect(corpus.documents).toEqual(lines.map((line) => line.text));
  });

  it("reads another field and stops at limit", async () => {
    expect((await loadJsonl({ path: join(folder, "custom.jsonl"), field: "content" })).documents).toEqual(["x", "y"]);
    expect((await loadJsonl({ path: join(folder, "c4-train.00000-of-01024.json"), limit: 2 })).documents).toHaveLength(2);
  });

  it("names the bad line, the missing field and the keys it has", async () => {
    await expect(loadJsonl({ path: join(folder, "bad.jsonl") })).rejects.toThrow(/line 2 is not valid JSON/);
    await expect(loadJsonl({ path: join(folder, "custom.jsonl") })).rejects.toThrow('line 1 has no string field "text" (it has: content); set the field option');
    // A TextFieldError (a DataFileError) carries the field asked for and the keys the line has, for a caller's own hint.
    const error = await loadJsonl({ path: join(folder, "custom.jsonl") }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TextFieldError);
    expect(error).toBeInstanceOf(DataFileError);
    expect(error).toMatchObject({ field: "text", available: ["content"] });
  });

  it("reports a truncated gzip file", async () => {
    await expect(loadJsonl({ path: join(folder, "truncated.json.gz") })).rejects.toThrow(DataFileError);
  });

  it("errors on a missing file, an empty one and unknown options", async () => {
    await expect(loadJsonl({ path: join(folder, "missing.jsonl") })).rejects.toThrow(/no such file or folder.*check the path option/);
    await expect(loadJsonl({ path: join(folder, "blank.jsonl") })).rejects.toThrow(EmptyCorpusError);
    await expect(loadJsonl({ path: "x", textField: "t" } as never)).rejects.toThrow(ConfigError);
  });
});
