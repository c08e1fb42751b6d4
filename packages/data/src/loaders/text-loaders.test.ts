import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "@adaptive-sparse/core";
import { DataFileError, EmptyCorpusError } from "../errors.js";
import { loadTextFile, textFileDataset } from "./text-file.js";
import { loadTextFolder } from "./text-folder.js";

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "text-loaders-"));
  await writeFile(join(folder, "story.txt"), "\uFEFFOnce upon a time.\n\n---\n\nThe end.\n---\n");
  await writeFile(join(folder, "empty.txt"), "");
  await mkdir(join(folder, "essays"));
  await writeFile(join(folder, "essays", "b.txt"), "second");
  await writeFile(join(folder, "essays", "a.txt"), "first");
  await writeFile(join(folder, "essays", "B.txt"), "capital");
  await writeFile(join(folder, "essays", "notes.md"), "skipped");
  await mkdir(join(folder, "nothing"));
  await writeFile(join(folder, "nothing", "readme.md"), "no txt here");
});
afterAll(() => rm(folder, { recursive: true, force: true }));

describe("text-file", () => {
  it("reads one file as one document (BOM dropped), named after the file", async () => {
    const corpus = await loadTextFile({ path: join(folder, "story.txt") });
    expect(corpus).toEqual({ name: "story", documents: ["Once upon a time.\n\n---\n\nThe end.\n---\n"] });
  });

  it("splits on a separator and drops blank pieces", async () => {
    const corpus = await textFileDataset.load({ path: join(folder, "story.txt"), separator: "---", name: "tale" });
    expect(corpus).toEqual({ name: "tale", documents: ["Once upon a time.\n\n", "\n\nThe end.\n"] });
  });

  it("splits on blank lines (whitespace-only lines and \\r\\n count) with split: blank-lines", async () => {
    await writeFile(join(folder, "paragraphs.txt"), "First para\nline two.\n\nSecond.\r\n  \r\n\t\nThird\n\n\n");
    const corpus = await loadTextFile({ path: join(folder, "paragraphs.txt"), split: "blank-lines" });
    expect(corpus.documents).toEqual(["First para\nline two.", "Second.", "Third"]);
    await expect(loadTextFile({ path: join(folder, "paragraphs.txt"), split: "blank-lines", separator: "x" })).rejects.toThrow("give either separator or split, not both");
  });

  it("names the missing path and says to check it", async () => {
    const path = join(folder, "missing.txt");
    await expect(loadTextFile({ path })).rejects.toThrow(DataFileError);
    await expect(loadTextFile({ path })).rejects.toThrow(`no such file or folder "${resolve(path)}"; check the path option`);
  });

  it("refuses an empty file and a folder", async () => {
    await expect(loadTextFile({ path: join(folder, "empty.txt") })).rejects.toThrow(EmptyCorpusError);
    await expect(loadTextFile({ path: join(folder, "empty.txt") })).rejects.toThrow("the corpus is empty");
    await expect(loadTextFile({ path: join(folder, "essays") })).rejects.toThrow(/is a folder.*"text-folder"/);
  });

  it("rejects unknown option names", async () => {
    await expect(loadTextFile({ path: "x", sep: "\n" } as never)).rejects.toThrow(ConfigError);
    await expect(loadTextFile({ path: "x", sep: "\n" } as never)).rejects.toThrow('unknown option "sep" (valid options: path, separator, split, name)');
  });
});

describe("text-folder", () => {
  it("reads every .txt file in code-point order, one document each", async () => {
    const corpus = await loadTextFolder({ path: join(folder, "essays") });
    expect(corpus).toEqual({ name: "essays", documents: ["capital", "first", "second"] });
  });

  it("can select another extension", async () => {
    expect((await loadTextFolder({ path: join(folder, "essays"), extension: ".md" })).documents).toEqual(["skipped"]);
  });

  it("errors on a missing folder and on a folder without .txt files", async () => {
    await expect(loadTextFolder({ path: join(folder, "nope") })).rejects.toThrow(DataFileError);
    await expect(loadTextFolder({ path: join(folder, "nothing") })).rejects.toThrow(EmptyCorpusError);
    await expect(loadTextFolder({ path: join(folder, "nothing") })).rejects.toThrow('no "*.txt" files in');
  });
});
