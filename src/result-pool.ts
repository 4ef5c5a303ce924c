// Small results are carved out of shared slabs, as Node's Buffer.allocUnsafe does: a fresh
// ArrayBuffer costs V8 about 0.7 us (a backing store plus external-memory accounting),
// more than a whole 8x8 matmul, while a view on a slab costs about 20 ns. A slab is only
// ever bump-allocated, so no two results share a byte; like a slab from Buffer.allocUnsafe
// it is not zeroed (validate.ts allocate() zeroes the results that need it).
import { markAsUntransferable } from 'node:worker_threads';

const SLAB_BYTES = 64 * 1024;
const MAX_POOLED_BYTES = 8 * 1024;
// A cache line: results written by different threads at once never share one.
const ALIGN = 64;

let slab: ArrayBuffer = new ArrayBuffer(0);
let used = 0;

/**
 * Whether this runtime keeps a marked buffer attached when it is transferred (Node copies
 * it, up to 20, or refuses with DataCloneError, from 21). Where marking does not hold, a
 * pool would let one user's transfer detach every other result on the slab, so there is
 * no pool there.
 */
function markingHolds(): boolean {
  try {
    const probe = new ArrayBuffer(8);
    markAsUntransferable(probe);
    try {
      structuredClone(probe, { transfer: [probe] });
    } catch {
      // refused: the buffer stays
    }
    return probe.byteLength === 8;
  } catch {
    return false;
  }
}

let poolable: boolean | undefined;

type ViewCtor<T> = { new (buffer: ArrayBuffer, byteOffset: number, length: number): T; readonly BYTES_PER_ELEMENT: number };

/** A view of `length` elements on the current slab (not zeroed), or undefined when too large to pool. */
export function pooledView<T>(Ctor: ViewCtor<T>, length: number): T | undefined {
  const bytes = length * Ctor.BYTES_PER_ELEMENT;
  if (bytes === 0 || bytes > MAX_POOLED_BYTES || !(poolable ??= markingHolds())) return undefined;
  if (used + bytes > slab.byteLength) {
    slab = Buffer.allocUnsafeSlow(SLAB_BYTES).buffer as ArrayBuffer;
    // Transferring one result's buffer must not detach every other result on the slab.
    markAsUntransferable(slab);
    used = 0;
  }
  const view = new Ctor(slab, used, length);
  used += Math.ceil(bytes / ALIGN) * ALIGN;
  return view;
}
