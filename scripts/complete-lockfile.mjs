// Adds lockfile entries for optional platform packages the registry did not serve.
//
// The registry this project installs from holds only some platforms' native builds (a darwin or win32
// binary of @swc/core answers 404). npm then leaves those optional packages out of package-lock.json,
// and `npm ci` refuses the lockfile as out of sync. An entry with the version marks them as known
// optional packages; `npm ci` skips them on platforms they are not for, as it always does.
// Run after `npm install` changes the lockfile: `node scripts/complete-lockfile.mjs`; `--check` only
// reports (the test suite runs it, so an incomplete lockfile fails before CI's `npm ci` does).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const lockPath = join(dirname(fileURLToPath(import.meta.url)), '..', 'package-lock.json');

/** Where npm would look for `name` from the package at `from`: its own node_modules, then each parent's. */
function resolvedPath(packages, from, name) {
  let base = from;
  for (;;) {
    const candidate = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return undefined;
    const parent = base.lastIndexOf('/node_modules/');
    base = parent === -1 ? '' : base.slice(0, parent);
  }
}

function missingOptionalEntries(lock) {
  const missing = {};
  for (const [path, entry] of Object.entries(lock.packages)) {
    for (const [name, spec] of Object.entries(entry.optionalDependencies ?? {})) {
      if (resolvedPath(lock.packages, path, name)) continue;
      const hoisted = `node_modules/${name}`;
      missing[missing[hoisted] || lock.packages[hoisted] ? `${path}/node_modules/${name}` : hoisted] = {
        version: spec.replace(/^[\^~=]/, ''),
        optional: true,
      };
    }
  }
  return missing;
}

function main() {
  const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
  const missing = missingOptionalEntries(lock);
  if (process.argv.includes('--check')) {
    const paths = Object.keys(missing);
    if (paths.length > 0) console.error(`package-lock.json lacks ${paths.join(', ')}; run node scripts/complete-lockfile.mjs`);
    process.exit(paths.length > 0 ? 1 : 0);
  }
  Object.assign(lock.packages, missing);
  lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
  writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(`package-lock.json: ${Object.keys(missing).length} optional platform entries added`);
}

main();
