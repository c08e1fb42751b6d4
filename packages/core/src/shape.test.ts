import { describe, expect, it } from "vitest";
import { broadcastRead } from "./shape.js";

describe("broadcastRead", () => {
  it("classifies an operand as the same shape, a repeated trailing block, a per-block value or other", () => {
    expect(broadcastRead([4, 8], [4, 8])).toEqual({ kind: "same" });
    expect(broadcastRead([8], [4, 8])).toEqual({ kind: "row", size: 8 });
    expect(broadcastRead([], [4, 8])).toEqual({ kind: "row", size: 1 });
    expect(broadcastRead([4, 1], [4, 8])).toEqual({ kind: "col", inner: 8 });
    expect(broadcastRead([2, 1, 8], [2, 3, 8])).toEqual({ kind: "other" });
  });
});
