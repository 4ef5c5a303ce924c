// Refreshes the README's benchmark section from a default `corekernels bench` on this
// machine: writes docs/bench.json and docs/bench.svg, then replaces everything between
// <!-- bench:begin --> and <!-- bench:end --> in README.md with the tables. Run it as
//   npm run bench:readme
// after `npm run build`, on a machine that is otherwise idle.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { renderTables } = createRequire(import.meta.url)(join(root, 'dist/cli/render/table.js'));
const BEGIN = '<!-- bench:begin -->', END = '<!-- bench:end -->';

console.error('running the default bench (2 to 3 minutes) ...');
execFileSync(process.execPath, ['dist/cli/main.js', 'bench', '--json', 'docs/bench.json', '--chart', 'docs/bench.svg'],
  { cwd: root, stdio: 'inherit' });
const report = JSON.parse(readFileSync(join(root, 'docs/bench.json'), 'utf8'));

const section = [
  BEGIN,
  `Measured ${report.date.slice(0, 10)} by \`npm run bench:readme\` (the default \`npx corekernels bench\`,` +
    ` ${report.wallSeconds} s wall time):`,
  '',
  '![throughput by size and speedup by threads](docs/bench.svg)',
  '',
  renderTables(report).trim(),
  END,
].join('\n');

const readme = readFileSync(join(root, 'README.md'), 'utf8');
const from = readme.indexOf(BEGIN), to = readme.indexOf(END);
if (from < 0 || to < from) throw new Error(`README.md has no ${BEGIN} ... ${END} section`);
writeFileSync(join(root, 'README.md'), readme.slice(0, from) + section + readme.slice(to + END.length));
console.error('README.md, docs/bench.json and docs/bench.svg updated');
