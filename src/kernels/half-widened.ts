// The JS engines' (js, workers) way with half operands: the JS kernels compute in float64 on
// whatever they read, so a half job runs there as the float32 job of its operands widened
// (exact), with a float32 result rounded once into the caller's halves (or left in a
// Float32Array it gave): float32 rounding, as the native and WebAssembly kernels, which
// take the halves themselves and widen them as they read them (native/gemv, native/gemm).
import { isHalf } from '../half';
import type { JsKernel } from './kernel';

type Wide = Float32Array;

/**
 * `kernel` for a half job: prepare() widens the `inputs` and gives `output` a float32 stand-in
 * (a copy when the kernel reads it, i.e. unless it overwrites it); merge() rounds it back
 * into the caller's array. Same name, so the wasm engine and the workers find the kernel's
 * own twin; the dispatcher hands the engines with half kernels the job as it came.
 */
export function halfWidened<J extends object, P, R>(kernel: JsKernel<J, P, R>, inputs: readonly (keyof J)[], output: keyof J): JsKernel<J, P, R> {
  let caller: Float32Array | undefined; // the caller's output array (halves, or a Float32Array), per call
  const widen = (a: unknown): Wide => Float32Array.from(a as ArrayLike<number>);
  return {
    ...kernel,
    prepare(job) {
      const wide = { ...job } as Record<string, unknown>;
      for (const key of inputs) wide[key as string] = widen(job[key]);
      const out = job[output] as unknown as Float32Array;
      caller = out;
      if (isHalf(out)) wide[output as string] = kernel.overwrites?.(job).includes(output) ? new Float32Array(out.length) : widen(out);
      const w = wide as J;
      return kernel.prepare ? kernel.prepare(w) : w;
    },
    merge(job, parts) {
      const r = kernel.merge(job, parts);
      const out = job[output] as unknown as Float32Array;
      if (caller !== undefined && out !== caller) caller.set(out);
      return r;
    },
  };
}
