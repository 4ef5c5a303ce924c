// Marks every `bin` of package.json executable. tsc writes its output without the execute
// bit, and npm sets it only when it installs a package, not in a clone: after a rebuild
// (prepack deletes dist/), `npx corekernels` in the clone failed with "Permission denied".
// Every script that runs tsc goes through `build:ts`, which runs this after it.
import { chmodSync, readFileSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const bins = typeof pkg.bin === 'string' ? [pkg.bin] : Object.values(pkg.bin ?? {});
for (const bin of bins) {
  const file = new URL(bin, root);
  chmodSync(file, statSync(file).mode | 0o111);
}
