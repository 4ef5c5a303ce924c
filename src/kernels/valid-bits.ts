// Reading a validity bitmap (see ../valid.ts): bit i, least significant first, set = element i present.
// No imports: the worker threads load this with the kernels.

/** Whether element i is present. */
export const present = (valid: Uint8Array, i: number): boolean => ((valid[Math.floor(i / 8)] >> (i % 8)) & 1) === 1;

/** Bits [from, from + len) of `src` as a bitmap of their own (bit 0 = bit `from`), into dst. */
export function copyBits(dst: Uint8Array, src: Uint8Array, from: number, len: number): void {
  const first = Math.floor(from / 8), shift = from % 8, bytes = Math.ceil(len / 8);
  if (shift === 0) {
    dst.set(src.subarray(first, first + bytes));
    return;
  }
  // The byte after the last one needed may be past the bitmap's end: read as 0.
  for (let k = 0; k < bytes; k++) dst[k] = ((src[first + k] >> shift) | ((src[first + k + 1] ?? 0) << (8 - shift))) & 0xff;
}
