// Which backends the tests run on. Every public behaviour is tested on each of these.
import * as ck from '../../dist/index.js';

export type Backend = 'native' | 'workers' | 'js';

/** True when the C++ addon loaded in this process. */
export function nativeLoaded(): boolean {
  return ck.info().native.loaded;
}

/**
 * All three backends, minus 'native' when the addon did not load. With
 * COREKERNELS_REQUIRE_NATIVE=1 (CI) a missing addon is an error, so native tests are
 * never silently dropped.
 */
export function backends(): Backend[] {
  const native = ck.info().native;
  if (!native.loaded) {
    if (process.env.COREKERNELS_REQUIRE_NATIVE === '1') {
      throw new Error(`COREKERNELS_REQUIRE_NATIVE=1 but the native addon did not load: ${native.error ?? '(no error given)'}`);
    }
    return ['workers', 'js'];
  }
  return ['native', 'workers', 'js'];
}
