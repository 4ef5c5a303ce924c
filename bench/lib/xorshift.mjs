// The xorshift32 stream of ../shared/peers (count_peer.c, gemm_peer.c), so that our inputs are
// the peers' inputs to the bit and their checks can be compared.
export function xorshift32(seed) {
  let x = seed >>> 0;
  return () => {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    return x;
  };
}

/** count_peer's data: x / 2^32, in [0, 1). */
export function unitDoubles(n, seed = 0x12345678) {
  const next = xorshift32(seed), a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = next() * (1 / 4294967296);
  return a;
}

/** gemm_peer's operands: (x >> 8) / 2^24, stored as Ctor's element type (float for f32, as C's cast). */
export function gemmOperand(Ctor, n, seed) {
  const next = xorshift32(seed), a = new Ctor(n);
  for (let i = 0; i < n; i++) a[i] = (next() >>> 8) * (1 / 16777216);
  return a;
}
export const GEMM_SEED_A = 0x12345678;
export const GEMM_SEED_B = 0x9abcdef1;
