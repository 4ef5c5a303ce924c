// Command-line flags of the form --name=value or --name (true), as an object.
export function parseFlags(argv = process.argv.slice(2)) {
  const flags = {};
  for (const a of argv) {
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a} (flags are --name or --name=value)`);
    const eq = a.indexOf('=');
    flags[eq < 0 ? a.slice(2) : a.slice(2, eq)] = eq < 0 ? true : a.slice(eq + 1);
  }
  return flags;
}

/** A comma-separated flag as a list (numbers where every item is one), or the fallback. */
export function listFlag(value, fallback) {
  if (value === undefined || value === true) return fallback;
  const items = String(value).split(',').filter(Boolean);
  return items.every((s) => Number.isFinite(Number(s))) ? items.map(Number) : items;
}
