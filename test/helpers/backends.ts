// Which backends the tests run on. Every public behaviour is tested on each of these.
import * as ck from '../../dist/index.js';

export type Backend = 'native' | 'wasm' | 'workers' | 'js';

/** True when the C++ addon loaded in this process. */
export function nativeLoaded(): boolean {
  return ck.info().native.loaded;
}

/**
 * Every backend, minus 'native' when the addon did not load and 'wasm' when the WebAssembly
 * engine did not. With COREKERNELS_REQUIRE_NATIVE=1 (CI) a missing addon is an error, and
 * a missing WebAssembly engine always is unless COREKERNELS_WASM=off switched it off, so
 * neither's tests are ever silently dropped.
 */
export function backends(): Backend[] {
  const { native, wasm } = ck.info();
  if (!native.loaded && process.env.COREKERNELS_REQUIRE_NATIVE === '1') {
    throw new Error(`COREKERNELS_REQUIRE_NATIVE=1 but the native addon did not load: ${native.error ?? '(no error given)'}`);
  }
  if (!wasm.loaded && process.env.COREKERNELS_WASM !== 'off') {
    throw new Error(`the WebAssembly engine did not load: ${wasm.error ?? '(no error given)'}`);
  }
  const all: Backend[] = [];
  if (native.loaded) all.push('native');
  if (wasm.loaded) all.push('wasm');
  return onlyListed([...all, 'workers', 'js']);
}

/**
 * CK_TEST_BACKENDS=native,... narrows the list for a CI run whose other engines another run
 * covers (the Node-line and sanitizer runs exist for the addon). A name that is not a backend
 * is an error, so a typo cannot turn a run into an empty one.
 */
function onlyListed(all: Backend[]): Backend[] {
  const listed = process.env.CK_TEST_BACKENDS;
  if (!listed) return all;
  const names = listed.split(',').map((s) => s.trim());
  for (const name of names) {
    if (!(['native', 'wasm', 'workers', 'js'] as string[]).includes(name)) throw new Error(`CK_TEST_BACKENDS: '${name}' is not a backend (native, wasm, workers, js)`);
  }
  return all.filter((b) => names.includes(b));
}
