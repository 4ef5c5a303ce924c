// A strict TypeScript user, compiled against the shipped .d.ts files only. The same source
// is checked as .mts and .cts (moduleResolution node16) and as .ts (moduleResolution bundler).
import * as ck from 'corekernels';
import type {
  BackendChoice, CallOptions, CoreKernelsError, FloatArray, GemmArgs, Info, Matrix, NumericArray, ThreadsSource,
} from 'corekernels';

const a: Matrix<Float64Array> = ck.matrix(Float64Array, 2, 2, { shared: true });
const product: Promise<Matrix<Float64Array>> = ck.matmul(a, a, { backend: 'workers', threads: 1, signal: AbortSignal.timeout(1000) });
const sync: Matrix<Float32Array> = ck.matmulSync(ck.matrix(Float32Array, 2, 2), ck.matrix(Float32Array, 2, 2));
const args: GemmArgs<Float64Array> = { m: 2, n: 2, k: 2, a: a.data, b: a.data, c: new Float64Array(4), transA: true, beta: 0 };
const c: Promise<Float64Array> = ck.gemm(args);
const n: number = ck.countInRangeSync(new Int32Array(4), 1, 2, { inclusive: 'left' });
const big: Promise<number> = ck.countInRange(new BigInt64Array(4), 1n, 2n);
const rows: Promise<Uint32Array> = ck.countInRangeByRow({ data: new Uint8Array(6), rows: 2, cols: 3 }, 1, 2, { out: new Uint32Array(2) });
const h: Float64Array = ck.histogramSync(new Float32Array(4), [0, 0.5, 1]);
const y: Promise<Float64Array> = ck.matvec(a, new Float64Array(2), { transpose: true, out: new Float64Array(2) });
const ys: Float32Array = ck.matvecSync(ck.matrix(Float32Array, 2, 3), new Float32Array(3), { threads: 1 });
const columns: Uint32Array = ck.countInRangeByColumnSync({ data: new Float64Array(6), rows: 2, cols: 3 }, 0, 1, { valid: new Uint8Array(1) });
const masked: Promise<ck.MinMax> = ck.minMax(new Int32Array(9), { valid: new Uint8Array(2) });
const s: Int16Array = ck.shared(Int16Array, 8);
const i: Info = ck.info();
const loaded: boolean = i.native.loaded;
const build: 'node-gyp' | 'cmake-js' | 'prebuilt' | undefined = i.native.build;
const workers: { available: boolean; error?: string } = i.workers;
const source: ThreadsSource = i.threadsSource;
const sources: ('env' | 'configure' | 'cgroup' | 'cpus')[] = [source];
const backend: BackendChoice = 'auto';
const opts: CallOptions = { backend, threads: ck.threads() };
const code: string = ck.codes.SHAPE_MISMATCH;
const isCk = (e: unknown): e is CoreKernelsError => e instanceof Error && 'code' in e;
const arrays: [FloatArray, NumericArray] = [a.data, s];
ck.configure({ threads: 1 });
const closed: Promise<void> = ck.close();

// @ts-expect-error: 'gpu' is not a backend
ck.configure({ backend: 'gpu' });
// @ts-expect-error: a number array is not a typed array
ck.countInRangeSync([1, 2, 3], 0, 1);
// @ts-expect-error: x's element type must be a's
ck.matvecSync(a, new Float32Array(2));
// @ts-expect-error: threadsSource is one of four words
const wrongSource: ThreadsSource = 'quota';
// @ts-expect-error: inclusive takes pandas' words only
ck.countInRangeSync(new Int32Array(1), 0, 1, { inclusive: 'all' });
// @ts-expect-error: a validity bitmap is a Uint8Array
ck.countInRangeSync(new Int32Array(1), 0, 1, { valid: [1] });

export { wrongSource, product, sync, c, n, big, rows, h, y, ys, columns, masked, loaded, build, workers, sources, opts, code, isCk, arrays, closed };
