import { describe, expect, it } from "vitest";
import { ConfigError } from "@adaptive-sparse/core";
import { EmptyCorpusError } from "../errors.js";
import { loadMobyDick } from "./moby-dick.js";
import { loadSotu, splitSotuByYear, sotuDataset } from "./sotu.js";
import { loadSpamAssassinHam, messageBody } from "./spam-assassin-ham.js";

describe("sotu", () => {
  it("loads the 233 addresses 1790–2021 in year order", async () => {
    const corpus = await loadSotu();
    expect(corpus.name).toBe("sotu");
    expect(corpus.documents).toHaveLength(233);
    expect(corpus.documents[0]!.startsWith("Fellow-Citizens of the Senate and House of Representatives:")).toBe(true);
    expect(corpus.documents.reduce((sum, document) => sum + document.length, 0)).toBe(10_759_831);
  });

  it("filters and splits by year (1953 and 1961 each have two addresses)", async () => {
    expect((await sotuDataset.load({ fromYear: 1953, toYear: 1953 })).documents).toHaveLength(2);
    const { train, validation } = await splitSotuByYear({ validationFromYear: 2001 });
    expect(validation.name).toBe("sotu-2001-2021");
    expect(validation.documents).toHaveLength(21);
    expect(train.documents).toHaveLength(233 - 21);
  });

  it("errors on an empty year range and unknown options", async () => {
    await expect(loadSotu({ fromYear: 2050 })).rejects.toThrow(EmptyCorpusError);
    await expect(loadSotu({ fromYear: 2050 })).rejects.toThrow("the corpus spans 1790–2021");
    await expect(loadSotu({ year: 1999 } as never)).rejects.toThrow('unknown option "year" (valid options: fromYear, toYear)');
  });
});

describe("moby-dick", () => {
  it("loads 139 sections in book order", async () => {
    const corpus = await loadMobyDick();
    expect(corpus.documents).toHaveLength(139);
    expect(corpus.documents[0]!.startsWith("CONTENTS")).toBe(true);
    expect(corpus.documents.reduce((sum, document) => sum + document.length, 0)).toBe(1_212_868);
    await expect(loadMobyDick({ chapters: 3 } as never)).rejects.toThrow(ConfigError);
  });
});

describe("spam-assassin-ham", () => {
  it("keeps the message body: everything after the first blank line", () => {
    expect(messageBody("From: a@b\nSubject: hi\n\nHello\n\nBye\n")).toBe("Hello\n\nBye\n");
    expect(messageBody("From: a@b\r\nSubject: hi\r\n\r\nHello\r\n")).toBe("Hello\r\n");
    expect(messageBody("From: a@b\nSubject: no body")).toBe("");
  });

  it("loads the 4,150 ham messages without headers", async () => {
    const corpus = await loadSpamAssassinHam();
    expect(corpus.documents).toHaveLength(4150);
    // The first message quotes another one; its own headers (From exmh-workers-admin…) are gone.
    expect(corpus.documents[0]!.startsWith("    Date:        Wed, 21 Aug 2002 10:54:46 -0500\n    From:        Chris Garrigues")).toBe(true);
    expect(corpus.documents.filter((document) => /^(Return-Path|Received|Delivered-To):/.test(document))).toEqual([]);
    expect(corpus.documents.reduce((sum, document) => sum + document.length, 0)).toBe(11_517_767);
  });
});
