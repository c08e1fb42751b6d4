import { describe, expect, it } from "vitest";
import { ConfigError } from "@adaptive-sparse/core";
import { InvalidTokenError } from "../errors.js";
import { byteTokenizer, createByteTokenizer } from "./byte.js";

describe("byte tokenizer", () => {
  const byte = createByteTokenizer();

  it("encodes UTF-8 bytes and has 256 + 1 ids", () => {
    expect(byte.vocabSize).toBe(257);
    expect(byte.eotToken).toBe(256);
    expect(Array.from(byte.encode("hé€"))).toEqual([104, 0xc3, 0xa9, 0xe2, 0x82, 0xac]);
    expect(Array.from(byte.encode("<|endoftext|>"))).toHaveLength(13); // plain text, not the eot id
  });

  it("round-trips any text and spells the eot id as <|endoftext|>", () => {
    const text = "naïve café — 日本語 🙂";
    expect(byte.decode(byte.encode(text))).toBe(text);
    expect(byte.decode([104, 105, 256, 0xc3, 0xa9])).toBe("hi<|endoftext|>é");
  });

  it("decodes a cut multi-byte character as U+FFFD instead of throwing", () => {
    expect(byte.decode([0xe2, 0x82])).toBe("\uFFFD");
  });

  it("rejects ids outside [0, 257)", () => {
    expect(() => byte.decode([1, 257])).toThrow(InvalidTokenError);
    expect(() => byte.decode([1, 257])).toThrow('tokenizer "byte": id 257 at position 1 is outside the vocabulary [0, 257)');
  });

  it("plugin takes no options", async () => {
    expect((await byteTokenizer.create({})).name).toBe("byte");
    await expect(byteTokenizer.create({ lowercase: true })).rejects.toThrow(ConfigError);
  });
});
