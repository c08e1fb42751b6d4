import { describe, expect, it } from "vitest";
import { ConfigError } from "@adaptive-sparse/core";
import { DataFileError, TextFieldError } from "../errors.js";
import { fixturePath } from "../test-fixtures.js";
import { loadParquet, parquetDataset } from "./parquet.js";

// fixtures/tiny.parquet (fixtures/make-parquet.mjs): columns id INT32 and text UTF8 with rows
// "The first document.", "Second — with a non-ASCII dash.", null, "".
const path = fixturePath("tiny.parquet");

describe("parquet", () => {
  it("reads the text column, one document per non-empty row", async () => {
    const corpus = await loadParquet({ path });
    expect(corpus).toEqual({ name: "tiny", documents: ["The first document.", "Second — with a non-ASCII dash."] });
  });

  it("joins all non-null rows, empty ones included, as the WikiText-2 protocol does", async () => {
    const corpus = await parquetDataset.load({ path, joinWith: "\n\n" });
    expect(corpus.documents).toEqual(["The first document.\n\nSecond — with a non-ASCII dash.\n\n"]);
  });

  it("lists the columns when the requested one is missing, and refuses a non-text column", async () => {
    await expect(loadParquet({ path, column: "body" })).rejects.toThrow('no column "body"; the file has columns: id, text; set the column option');
    await expect(loadParquet({ path, column: "id" })).rejects.toThrow('row 0 of column "id" is a number, expected a string');
    await expect(loadParquet({ path, column: "body" })).rejects.toMatchObject({ field: "body", available: ["id", "text"] });
    await expect(loadParquet({ path, column: "id" })).rejects.toBeInstanceOf(TextFieldError);
  });

  it("errors on a missing file, a non-Parquet file and unknown options", async () => {
    await expect(loadParquet({ path: fixturePath("missing.parquet") })).rejects.toThrow(DataFileError);
    await expect(loadParquet({ path: fixturePath("reference.json") })).rejects.toThrow(/cannot read it as Parquet/);
    await expect(loadParquet({ path, columns: ["text"] } as never)).rejects.toThrow(ConfigError);
  });
});
