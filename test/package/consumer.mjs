// An ES module user: named imports (found by Node's CommonJS export detection), the
// namespace and the default export must all reach the same functions.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import ckDefault, * as ck from 'corekernels';
import { fromRows, info, matmul, toRows } from 'corekernels';

assert.equal(typeof matmul, 'function');
assert.equal(ck.matmul, matmul);
assert.equal(ckDefault.matmul, matmul);
const c = await matmul(fromRows([[1, 2], [3, 4]]), fromRows([[5, 6], [7, 8]]));
assert.deepEqual(toRows(c), [[19, 22], [43, 50]]);
assert.equal(createRequire(import.meta.url)('corekernels/package.json').name, 'corekernels');
console.log(JSON.stringify(info()));
