// Float16Array (ES2025: Node 24+, Bun, Deno): whether this runtime has it, and float16
// rounding and stepping for bounds and histogram edges. Nothing here runs where it is absent.

/** A Float16Array, typed loosely: TypeScript's ES2022 lib has none. */
export interface HalfArray extends ArrayLike<number> {
  readonly buffer: ArrayBufferLike;
  readonly byteOffset: number;
  readonly byteLength: number;
  readonly BYTES_PER_ELEMENT: 2;
  [index: number]: number;
  set(values: ArrayLike<number>, offset?: number): void;
  subarray(begin?: number, end?: number): HalfArray;
  fill(value: number, start?: number, end?: number): this;
}
type HalfCtor = { new (n: number): HalfArray; new (b: ArrayBufferLike, offset?: number, length?: number): HalfArray;
  from(x: ArrayLike<number>): HalfArray; readonly name: 'Float16Array'; prototype: object };

/** The runtime's Float16Array constructor, or undefined where it has none. */
export const Float16: HalfCtor | undefined = (globalThis as { Float16Array?: HalfCtor }).Float16Array;

const one = Float16 && new Float16(1);
const bits = one && new Uint16Array(one.buffer);

/** x rounded to the nearest float16 (ties to even), as Math.f16round. */
export const f16round: (x: number) => number = (Math as { f16round?: (x: number) => number }).f16round ?? ((x) => {
  one![0] = x;
  return one![0];
});

/** The next float16 after x (a float16) towards +Infinity (up) or -Infinity; NaN past an infinity. */
export function step16(x: number, up: boolean): number {
  if (x === (up ? Infinity : -Infinity)) return NaN;
  if (x === 0) return up ? 2 ** -24 : -(2 ** -24);
  one![0] = x;
  bits![0] += (x > 0) === up ? 1 : -1;
  return one![0];
}

/** The same memory as a Uint16Array: how halves cross to the addon (native/addon/args.h). */
export const halfBits = (a: HalfArray): Uint16Array => new Uint16Array(a.buffer, a.byteOffset, a.length);

/** Whether a (validated, plain) array is a Float16Array. */
export const isHalf = (a: object): a is HalfArray => Float16 !== undefined && a instanceof Float16;

/** An array as the addon takes it: halves as their bits (with the flag isHalf gives), others as they are. */
export const forAddon = <T extends object>(a: T): T | Uint16Array => (isHalf(a) ? halfBits(a) : a);
