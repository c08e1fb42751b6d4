// 2:4 sparse products with W [n, k] in the compressed layout of @adaptive-sparse/io (compress24):
//   values  [n, k/2] f32: the 2 kept values of every group of 4 along a row, in column order;
//   indices 4 bits per group (first position in bits 0-1, second in bits 2-3), 2 groups per byte, even
//           group in the low nibble, groups numbered row-major over the whole matrix (row r, group q is
//           group r*k/4 + q), so a row starts mid-byte when k/4 is odd.
import { NR } from "./microkernel";
import { madd } from "./simd";

// The GEMV gathers x through a table built once per x (it serves every row of W). Two groups (one index
// byte) each keep a pair of positions out of 6 possible, so they select one of 36 combinations of 4 x
// values: the table stores, for each 8 consecutive x (an "octet") and each combination 6i + j (pair i in
// the low group, pair j in the high one), those 4 x as one f32x4. With W's positions converted once into
// one code byte per octet (prepareSparse24), the GEMV's inner step is one byte load, one 16-byte
// table load and one f32x4 multiply-add against the 4 stored values.

/** Bytes of one octet's entries: 36 combinations x 16 bytes. */
const OCTET_BYTES: i32 = 576;

/** Pair index (0-5) of each nibble, 4 bits per nibble value: (0,1)=4 (0,2)=8 (0,3)=12 (1,2)=9 (1,3)=13 (2,3)=14. */
const PAIR_OF_NIBBLE: u64 = (1 << 32) | (3 << 36) | (2 << 48) | (4 << 52) | (5 << 56);

/** Pair index (0-5) of a nibble whose positions increase; other (corrupt) nibbles map to pair 0. */
@inline function pairOf(nibble: i32): i32 {
  return <i32>(PAIR_OF_NIBBLE >> (<u64>nibble << 2)) & 15;
}

/** Bytes of the x table for a vector of k floats (k a multiple of 4). */
export function pairTableBytes(k: i32): i32 {
  return ((k + 7) >> 3) * OCTET_BYTES;
}

/** Lanes (first, second) of pair p (0-5) of a group, placed in lanes 0-1 of a vector (lanes 2-3 are don't-care). */
@inline function lowPair(g: v128, p: i32): v128 {
  if (p == 0) return v128.shuffle<f32>(g, g, 0, 1, 0, 0);
  if (p == 1) return v128.shuffle<f32>(g, g, 0, 2, 0, 0);
  if (p == 2) return v128.shuffle<f32>(g, g, 0, 3, 0, 0);
  if (p == 3) return v128.shuffle<f32>(g, g, 1, 2, 0, 0);
  if (p == 4) return v128.shuffle<f32>(g, g, 1, 3, 0, 0);
  return v128.shuffle<f32>(g, g, 2, 3, 0, 0);
}

/** The 6 entries (i, 0..5) of an octet: low pair i in lanes 0-1, each high pair j in lanes 2-3. */
@inline function storeRow(entry: usize, low: v128, high: v128): void {
  v128.store(entry, v128.shuffle<f32>(low, high, 0, 1, 4, 5));
  v128.store(entry, v128.shuffle<f32>(low, high, 0, 1, 4, 6), 16);
  v128.store(entry, v128.shuffle<f32>(low, high, 0, 1, 4, 7), 32);
  v128.store(entry, v128.shuffle<f32>(low, high, 0, 1, 5, 6), 48);
  v128.store(entry, v128.shuffle<f32>(low, high, 0, 1, 5, 7), 64);
  v128.store(entry, v128.shuffle<f32>(low, high, 0, 1, 6, 7), 80);
}

/**
 * Builds the x table (see above) for x [k]: for every octet o the 36 f32x4 (x[8o + first(i)],
 * x[8o + second(i)], x[8o + 4 + first(j)], x[8o + 4 + second(j)]) at offset o * 576 + (6i + j) * 16. A
 * trailing half octet (k/4 odd) stores 0 for its missing half. Each entry is one shuffle of the octet's
 * two groups.
 */
export function buildPairTable(k: i32, x: usize, table: usize): void {
  buildPairTableRange(k, x, table, 0, (k + 7) >> 3);
}

/** The entries of octets [from, to) of buildPairTable's table (the rest is not written). */
function buildPairTableRange(k: i32, x: usize, table: usize, from: i32, to: i32): void {
  const groups = k >> 2;
  for (let o = from; o < to; o++) {
    const base = x + <usize>o * 32;
    const low = v128.load(base);
    const high = o * 2 + 1 < groups ? v128.load(base, 16) : f32x4.splat(0);
    const entries = table + <usize>(o * OCTET_BYTES);
    storeRow(entries, lowPair(low, 0), high);
    storeRow(entries + 96, lowPair(low, 1), high);
    storeRow(entries + 192, lowPair(low, 2), high);
    storeRow(entries + 288, lowPair(low, 3), high);
    storeRow(entries + 384, lowPair(low, 4), high);
    storeRow(entries + 480, lowPair(low, 5), high);
  }
}

@inline function horizontalSum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** Octets (8 columns of W) per row: the last one is half empty when k/4 is odd. */
export function preparedRowLength(k: i32): i32 {
  return (k + 7) >> 3;
}

/**
 * Octets per column block of the GEMV's prepared layout, for k columns split into `pieces` column pieces
 * (one per thread). The kernel sweeps W one column block at a time, every row of the block before the next
 * block, so the block's slice of the x table (576 B per octet) stays in L1 and W (prepared block-major) still
 * streams in order. Run over whole rows instead, the table (295 KB at k = 4096) streamed from L2 once per row
 * and bounded the kernel at 2.8 ms for 4096 x 4096 against 1.7 ms. Larger blocks cost a row's horizontal sums
 * and its y update less often: the largest of 48 octets (a 27 KB table slice, within a 32 KB L1) and 32 (18 KB)
 * that gives every piece whole blocks in equal numbers, else 16. From memory on 2 threads, 48 against 16 for
 * GPT-2's k = 768 (48 octets a piece) and against 32 for its k = 3072 ran 4-16% faster; 32 against 16 ran 6-10%
 * faster with the weight in cache; 64 octets (36 KB, more than some L1s) gained no more than 48.
 */
export function sparse24BlockOctets(k: i32, pieces: i32): i32 {
  const octets = preparedRowLength(k);
  const split = max(pieces, 1);
  if (octets % split == 0) {
    const perPiece = octets / split;
    if (perPiece % 48 == 0) return 48;
    if (perPiece % 32 == 0) return 32;
  }
  return 16;
}

/** Rows per tile of prepareSparse24. */
const PREPARE_ROWS: i32 = 64;

/** Bytes of W's values in the GEMV's prepared layout: 4 floats per octet (a half octet is zero-padded). */
export function preparedValuesBytes(rows: i32, k: i32): i32 {
  return rows * preparedRowLength(k) * 16;
}

/** Bytes of W's positions in prepared form: one byte (twice the combination, 0-70) per octet. */
export function preparedCodesBytes(rows: i32, k: i32): i32 {
  return rows * preparedRowLength(k);
}

/**
 * Converts W from the packed layout into the GEMV's: column blocks of `block` octets (sparse24BlockOctets), each holding
 * every row's octets of that block contiguously (block-major, then row-major), so the block sweep reads
 * memory in order; each octet's 4 values (2 groups x 2 kept) as f32x4, zero-padded for a half octet; and
 * each octet's positions as one byte, twice its combination 6i + j (pair i of the low group, pair j of
 * the high one; a missing high group is pair 0): the octet's table entry is at 8 * code, an offset x64
 * forms in one `lea` with a scaled index (16 * combination took a shift and an add: 8-10% slower in
 * cache).
 */
export function prepareSparse24(rows: i32, k: i32, block: i32, values: usize, indices: usize, outValues: usize, outCodes: usize): void {
  const groupsPerRow = k >> 2;
  const perRow = preparedRowLength(k);
  // Tiles of PREPARE_ROWS rows: reads stay within a few rows and each block's writes stay contiguous
  // (block-major order alone read 256-byte pieces 8 KB apart and took 22 ms for 4096 x 4096).
  for (let r0 = 0; r0 < rows; r0 += PREPARE_ROWS) {
    const r1 = min(r0 + PREPARE_ROWS, rows);
    for (let b0 = 0; b0 < perRow; b0 += block) {
      const width = min(block, perRow - b0);
      const blockValues = outValues + <usize>(rows * b0) * 16;
      const blockCodes = outCodes + <usize>(rows * b0);
      for (let r = r0; r < r1; r++) {
        const toValues = blockValues + <usize>(r * width) * 16;
        const toCodes = blockCodes + <usize>(r * width);
        let o = 0;
        if ((groupsPerRow & 1) == 0) {
          // k a multiple of 8: every octet is one whole index byte.
          const from = values + <usize>(r * groupsPerRow + b0 * 2) * 8;
          const bytes = indices + <usize>((r * groupsPerRow + b0 * 2) >> 1);
          for (; o < width; o++) {
            const byte = <i32>load<u8>(bytes + <usize>o);
            v128.store(toValues + <usize>o * 16, v128.load(from + <usize>o * 16));
            store<u8>(toCodes + <usize>o, <u8>(pairOf(byte & 15) * 12 + pairOf(byte >> 4) * 2));
          }
        }
        for (; o < width; o++) {
          const q = (b0 + o) * 2; // first group of the octet within the row
          const g = r * groupsPerRow + q;
          const low = (<i32>load<u8>(indices + <usize>(g >> 1)) >> ((g & 1) << 2)) & 15;
          const from = values + <usize>g * 8;
          const to = toValues + <usize>o * 16;
          if (q + 1 < groupsPerRow) {
            const high = (<i32>load<u8>(indices + <usize>((g + 1) >> 1)) >> (((g + 1) & 1) << 2)) & 15;
            v128.store(to, v128.load(from));
            store<u8>(toCodes + <usize>o, <u8>(pairOf(low) * 12 + pairOf(high) * 2));
          } else {
            v128.store(to, v128.load64_zero(from));
            store<u8>(toCodes + <usize>o, <u8>(pairOf(low) * 12));
          }
        }
      }
    }
  }
}

/**
 * One octet's product: its 4 values (at v + 16·o) times the x entry its code (at c + o) picks, at
 * t + 8·code + 576·o. With o a constant, 16·o, o and 576·o become the loads' immediate offsets: a byte
 * load, one scaled add, two vector loads and a multiply-add per octet, with no mask or extract.
 */
@inline function octet(acc: v128, v: usize, c: usize, t: usize, o: i32): v128 {
  return madd(v128.load(v + <usize>(o * 16)), v128.load(t + (<usize>load<u8>(c + <usize>o) << 3) + <usize>(o * OCTET_BYTES)), acc);
}

/** One row's dot product over a whole block (`block` octets, a multiple of 4), four octets a step, 4 accumulators. */
@inline function blockDot(v: usize, c: usize, t: usize, block: i32): f32 {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  for (let o = 0; o < block; o += 4) {
    a0 = octet(a0, v, c, t, 0);
    a1 = octet(a1, v, c, t, 1);
    a2 = octet(a2, v, c, t, 2);
    a3 = octet(a3, v, c, t, 3);
    v += 64;
    c += 4;
    t += OCTET_BYTES * 4;
  }
  return horizontalSum(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)));
}

/**
 * Two rows' dot products over a whole block, adding them into out and out2. The rows are far apart (the
 * two halves of the task's rows), so W is read as two sequential streams: from memory (a weight that is
 * not in cache, as in decoding) that ran 10-20% faster on the pool than one stream, measured interleaved
 * with PyTorch's mv at 4096 x 4096 (a full unroll of one row was 15% slower even in cache). Four rows'
 * octets interleaved into one stream (three pointers to step instead of six) ran 9% faster with W in L3 but
 * 7-12% slower from memory (one thread, 4096 x 4096 and 768 x 768), so decoding keeps the two streams.
 */
@inline function blockDotTwo(v: usize, c: usize, v2: usize, c2: usize, t: usize, out: usize, out2: usize, block: i32): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), b0 = f32x4.splat(0), b1 = f32x4.splat(0);
  for (let o = 0; o < block; o += 2) {
    a0 = octet(a0, v, c, t, 0);
    a1 = octet(a1, v, c, t, 1);
    b0 = octet(b0, v2, c2, t, 0);
    b1 = octet(b1, v2, c2, t, 1);
    v += 32;
    v2 += 32;
    c += 2;
    c2 += 2;
    t += OCTET_BYTES * 2;
  }
  store<f32>(out, load<f32>(out) + horizontalSum(f32x4.add(a0, a1)));
  store<f32>(out2, load<f32>(out2) + horizontalSum(f32x4.add(b0, b1)));
}

/**
 * y [rows, n] = Σ_p partial [rows, pieces, n]: the column pieces' partial products, added in piece order in
 * f64 and rounded once (in JavaScript this loop cost 10 µs per call for n = 3072 and 4 pieces).
 */
export function sumPartials(rows: i32, pieces: i32, n: i32, partial: usize, y: usize): void {
  const n4 = n & ~3;
  for (let r = 0; r < rows; r++) {
    const first = partial + <usize>r * pieces * n * 4;
    const out = y + <usize>r * n * 4;
    for (let i = 0; i < n4; i += 4) {
      let at = first + <usize>i * 4;
      let v = v128.load(at);
      let low = f64x2.promote_low_f32x4(v);
      let high = f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
      for (let p = 1; p < pieces; p++) {
        at += <usize>n * 4;
        v = v128.load(at);
        low = f64x2.add(low, f64x2.promote_low_f32x4(v));
        high = f64x2.add(high, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
      }
      const lowF = f32x4.demote_f64x2_zero(low);
      const highF = f32x4.demote_f64x2_zero(high);
      v128.store(out + <usize>i * 4, i32x4.shuffle(lowF, highF, 0, 1, 4, 5));
    }
    for (let i = n4; i < n; i++) {
      let sum = <f64>load<f32>(first + <usize>i * 4);
      for (let p = 1; p < pieces; p++) sum += <f64>load<f32>(first + (<usize>p * n + i) * 4);
      store<f32>(out + <usize>i * 4, <f32>sum);
    }
  }
}

/** Column blocks of the GEMV's prepared layout for k columns (the unit a pool splits the GEMV by). */
export function sparse24GemvBlocks(k: i32, block: i32): i32 {
  return (preparedRowLength(k) + block - 1) / block;
}

/**
 * y[r] (+)= W[row0 + r, 8·block·blockFrom : 8·block·blockTo] · x for r < rows: the part of the row product
 * over column blocks [blockFrom, blockTo) of `block` octets (all of it for 0, sparse24GemvBlocks(k, block)).
 * W is in the prepared layout (prepareSparse24 with the same `block`, `n` rows in all) and x given by its
 * table (buildPairTable). Reads W once, in order:
 * 17 bytes per 8 dense weights (32 dense). With x != 0 the task writes each block's part of the table from x
 * first: a pool's column pieces build their parts in parallel instead of waiting for the caller to build
 * all of it, and each part is still in L1 when the block's rows read it.
 */
export function sparse24Gemv(rows: i32, row0: i32, n: i32, k: i32, block: i32, blockFrom: i32, blockTo: i32, table: usize, values: usize, codes: usize, y: usize, accumulate: bool, x: usize): void {
  const perRow = preparedRowLength(k);
  const end = min(perRow, blockTo * block);
  if (!accumulate) memory.fill(y, 0, <usize>rows * 4);
  for (let b0 = blockFrom * block; b0 < end; b0 += block) {
    const width = min(block, perRow - b0);
    let v = values + <usize>(n * b0 + row0 * width) * 16;
    let c = codes + <usize>(n * b0 + row0 * width);
    const entries = table + <usize>(b0 * OCTET_BYTES);
    if (x) buildPairTableRange(k, x, table, b0, b0 + width);
    if (width == block) {
      const half = rows >> 1;
      const skipV = <usize>half * block * 16, skipC = <usize>half * block;
      for (let r = 0; r < half; r++) {
        const out = y + <usize>r * 4;
        blockDotTwo(v, c, v + skipV, c + skipC, entries, out, out + <usize>half * 4, block);
        v += <usize>block * 16;
        c += <usize>block;
      }
      if (rows & 1) {
        const out = y + <usize>(rows - 1) * 4;
        store<f32>(out, load<f32>(out) + blockDot(v + skipV, c + skipC, entries, block));
      }
      continue;
    }
    const pairs = width & ~1;
    for (let r = 0; r < rows; r++) {
      let t = entries;
      let acc0 = f32x4.splat(0), acc1 = f32x4.splat(0);
      let o = 0;
      for (; o < pairs; o += 2) {
        const both = <u32>load<u16>(c);
        acc0 = madd(v128.load(v), v128.load(t + <usize>((both & 0xff) << 3)), acc0);
        acc1 = madd(v128.load(v, 16), v128.load(t + <usize>((both >> 8) << 3), OCTET_BYTES), acc1);
        v += 32;
        c += 2;
        t += OCTET_BYTES * 2;
      }
      if (o < width) {
        acc0 = madd(v128.load(v), v128.load(t + (<usize>load<u8>(c) << 3)), acc0);
        v += 16;
        c += 1;
      }
      const out = y + <usize>r * 4;
      store<f32>(out, load<f32>(out) + horizontalSum(f32x4.add(acc0, acc1)));
    }
  }
}

/**
 * Packs op(B)[pc:pc+kc, jc:jc+nc] = W[jc:jc+nc, pc:pc+kc]ᵀ from the compressed W into the dense NR-column
 * panels of the GEMM (pack.ts layout), so a 2:4 GEMM reuses the dense micro-kernel. `pc` and `kc` are
 * multiples of 4 (whole groups).
 */
export function packB24(values: usize, indices: usize, k: i32, jc: i32, pc: i32, kc: i32, nc: i32, dst: usize): void {
  const panels = (nc + NR - 1) / NR;
  memory.fill(dst, 0, <usize>(panels * NR * kc) * 4);
  const groupsPerRow = k >> 2;
  const groups = kc >> 2;
  for (let j = 0; j < nc; j++) {
    const panel = dst + <usize>((j / NR) * NR * kc) * 4 + <usize>(j % NR) * 4;
    const g0 = (jc + j) * groupsPerRow + (pc >> 2);
    for (let q = 0; q < groups; q++) {
      const g = g0 + q;
      const nibble = (<i32>load<u8>(indices + <usize>(g >> 1)) >> ((g & 1) << 2)) & 15;
      const v = values + <usize>g * 8;
      const p = q << 2;
      store<f32>(panel + <usize>((p + (nibble & 3)) * NR) * 4, load<f32>(v));
      store<f32>(panel + <usize>((p + (nibble >> 2)) * NR) * 4, load<f32>(v, 4));
    }
  }
}

/** Bytes of unpack24Rows's scratch: a 16-byte swizzle mask per nibble value. */
export const UNPACK_MASK_BYTES: i32 = 256;

/**
 * Writes the swizzle mask of every nibble (positions a = bits 0-1, b = bits 2-3) at masks + 16·nibble: lane a
 * takes bytes 0-3 (the first kept value), lane b bytes 4-7 (the second; it wins where a = b, as in packB24),
 * the other lanes byte 8, which a value loaded with load64_zero holds as 0.
 */
function writeUnpackMasks(masks: usize): void {
  for (let nibble = 0; nibble < 16; nibble++) {
    const a = nibble & 3, b = nibble >> 2;
    for (let lane = 0; lane < 4; lane++) {
      const from = lane == b ? 4 : lane == a ? 0 : 8;
      for (let i = 0; i < 4; i++) store<u8>(masks + <usize>(nibble * 16 + lane * 4 + i), <u8>(from == 8 ? 8 : from + i));
    }
  }
}

/**
 * Dense rows W[row0 : row0 + rows, :] of a compressed W [n, k] into out [rows, k]: each group of 4 is its 2
 * kept values swizzled into place by its nibble's mask (one 8-byte load, one mask load, one swizzle, one
 * 16-byte store). `work` holds the masks (UNPACK_MASK_BYTES). Prefill on a BLAS path multiplies these rows
 * with the library's GEMM.
 */
export function unpack24Rows(rows: i32, row0: i32, k: i32, values: usize, indices: usize, out: usize, work: usize): void {
  writeUnpackMasks(work);
  const groupsPerRow = k >> 2;
  for (let r = 0; r < rows; r++) {
    const g0 = (row0 + r) * groupsPerRow;
    const to = out + <usize>r * <usize>k * 4;
    for (let q = 0; q < groupsPerRow; q++) {
      const g = g0 + q;
      const nibble = (<i32>load<u8>(indices + <usize>(g >> 1)) >> ((g & 1) << 2)) & 15;
      const kept = v128.load64_zero(values + <usize>g * 8);
      v128.store(to + <usize>q * 16, i8x16.swizzle(kept, v128.load(work + <usize>(nibble << 4))));
    }
  }
}
