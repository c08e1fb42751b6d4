import { beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "@adaptive-sparse/core";
import { InvalidTokenError } from "../errors.js";
import type { Tokenizer } from "../types.js";
import { createGpt2Tokenizer, gpt2Tokenizer } from "./gpt2.js";

describe("gpt2 tokenizer", () => {
  let gpt2: Tokenizer;
  beforeAll(async () => {
    gpt2 = await createGpt2Tokenizer();
  });

  it("has GPT-2's vocabulary and end-of-text id", () => {
    expect(gpt2.vocabSize).toBe(50257);
    expect(gpt2.eotToken).toBe(50256);
  });

  it("encodes known GPT-2 ids", () => {
    expect(Array.from(gpt2.encode("Hello world"))).toEqual([15496, 995]);
    expect(Array.from(gpt2.encode("Hello, world!"))).toEqual([15496, 11, 995, 0]);
    expect(Array.from(gpt2.encode(" the"))).toEqual([262]);
  });

  it("treats <|endoftext|> inside text as ordinary text (encode_ordinary)", () => {
    expect(Array.from(gpt2.encode("a<|endoftext|>b"))).toEqual([64, 27, 91, 437, 1659, 5239, 91, 29, 65]);
  });

  it("round-trips text and decodes the eot id", () => {
    const text = "Call me Ishmael. Some years ago—never mind how long";
    expect(gpt2.decode(gpt2.encode(text))).toBe(text);
    expect(gpt2.decode([15496, 50256])).toBe("Hello<|endoftext|>");
    expect(() => gpt2.decode([50257])).toThrow(InvalidTokenError);
  });

  it("plugin takes no options", async () => {
    await expect(gpt2Tokenizer.create({ model: "gpt-4" })).rejects.toThrow(ConfigError);
  });
});
