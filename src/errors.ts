// Every error the package raises is made here, so that classes, codes and message shapes
// stay consistent and the tests can name them exactly.

/** Stable codes carried by every error corekernels raises (as `error.code`). */
export const codes = {
  /** TypeError: an argument has the wrong type (not a TypedArray, wrong element type, mixed types, non-integer size, bigint bound on a non-bigint array). */
  INVALID_ARG_TYPE: 'ERR_CK_INVALID_ARG_TYPE',
  /** TypeError: an input's ArrayBuffer is detached. */
  DETACHED: 'ERR_CK_DETACHED_BUFFER',
  /** RangeError: a size, count or option is out of its range (negative size, threads outside 1..threads(), unknown enum value). */
  OUT_OF_RANGE: 'ERR_CK_OUT_OF_RANGE',
  /** RangeError: operand shapes do not agree (a.cols !== b.rows, or matmul's a.batch and b.batch differ and neither is 1). */
  SHAPE_MISMATCH: 'ERR_CK_SHAPE_MISMATCH',
  /** RangeError: a leading dimension is smaller than its matrix's row length. */
  LEADING_DIMENSION: 'ERR_CK_LEADING_DIMENSION',
  /** RangeError: an array is too short for the shape it is given with. */
  ARRAY_TOO_SHORT: 'ERR_CK_ARRAY_TOO_SHORT',
  /** RangeError: a range bound or histogram edge is NaN. */
  NAN_BOUND: 'ERR_CK_NAN_BOUND',
  /** RangeError: histogram edges are not strictly increasing, too few, or not finite. */
  INVALID_EDGES: 'ERR_CK_INVALID_EDGES',
  /** RangeError: `out` has the wrong length. */
  OUT_SIZE: 'ERR_CK_OUT_SIZE',
  /** RangeError: `out` (or gemm's c) shares memory with an input, or gemmBatch's strideC would make two products' C matrices overlap. */
  OUT_OVERLAP: 'ERR_CK_OUT_OVERLAP',
  /** RangeError: a result array is too large to allocate. */
  OUT_OF_MEMORY: 'ERR_CK_OUT_OF_MEMORY',
  /** RangeError: a byte source ended part-way into an element (its length is not a whole number of elements). */
  PARTIAL_ELEMENT: 'ERR_CK_PARTIAL_ELEMENT',
  /** Error: the requested backend cannot run here (e.g. backend 'native' when the addon did not load). */
  BACKEND_UNAVAILABLE: 'ERR_CK_BACKEND_UNAVAILABLE',
  /** Error: a worker thread died while running a call. */
  WORKER_DIED: 'ERR_CK_WORKER_DIED',
  /** RangeError: the work cannot fit the WebAssembly engine's 4 GiB memory (backend 'wasm', or 'auto' without the addon). */
  TOO_LARGE_FOR_WASM: 'ERR_CK_TOO_LARGE_FOR_WASM',
  /** Error: native code failed (allocation, an exception in a pool thread). */
  NATIVE_FAILURE: 'ERR_CK_NATIVE_FAILURE',
} as const;

export type ErrorCode = (typeof codes)[keyof typeof codes];

export interface CoreKernelsError extends Error {
  code: ErrorCode;
}

function withCode<E extends Error>(err: E, code: ErrorCode): E & { code: ErrorCode } {
  Object.defineProperty(err, 'code', { value: code, enumerable: true, writable: true, configurable: true });
  return err as E & { code: ErrorCode };
}

/** `fn: message` as a TypeError with a code. */
export function typeError(fn: string, code: ErrorCode, message: string): TypeError & { code: ErrorCode } {
  return withCode(new TypeError(`${fn}: ${message}`), code);
}

/** `fn: message` as a RangeError with a code. */
export function rangeError(fn: string, code: ErrorCode, message: string): RangeError & { code: ErrorCode } {
  return withCode(new RangeError(`${fn}: ${message}`), code);
}

/** `fn: message` as a plain Error with a code (runtime failures, not bad input). */
export function runtimeError(fn: string, code: ErrorCode, message: string, cause?: unknown): Error & { code: ErrorCode } {
  return withCode(new Error(`${fn}: ${message}`, cause === undefined ? undefined : { cause }), code);
}

/** The rejection of a cancelled call: a DOMException named AbortError, as fetch gives. */
export function abortError(fn: string, reason?: unknown): DOMException {
  const err = new DOMException(`${fn}: the operation was aborted`, 'AbortError');
  if (reason !== undefined) Object.defineProperty(err, 'cause', { value: reason, configurable: true, writable: true });
  return err;
}

/** A short description of a value for error messages: its constructor name or typeof. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  if (typeof value === 'number' || typeof value === 'bigint') return `${typeof value} ${String(value)}`;
  return typeof value;
}
