import { describe, expect, it } from "vitest";
import * as generated from "../generated/kernels-wasm.js";

/** Section ids of a WebAssembly binary, in order (the module is a header then id, LEB128 size, payload). */
function sectionIds(bytes: Uint8Array): number[] {
  const ids: number[] = [];
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at++]!;
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++]!;
      size += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) break;
    }
    ids.push(id);
    at += size;
  }
  return ids;
}

const DATA = 11;
const DATA_COUNT = 12;

describe("the compiled kernels", () => {
  // The JavaScript arena hands out all of linear memory; static data (such as the lookup tables of
  // AssemblyScript's Math.log) would be overwritten by the first GEMM operand placed there.
  for (const [name, base64] of Object.entries(generated)) {
    it(`${name} has no data segments, so the arena owns every byte of memory`, () => {
      const ids = sectionIds(Uint8Array.from(Buffer.from(base64, "base64")));
      expect(ids.length).toBeGreaterThan(3);
      expect(ids).not.toContain(DATA);
      expect(ids).not.toContain(DATA_COUNT);
    });
  }
});
