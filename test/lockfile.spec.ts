import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

describe('package-lock.json', () => {
  it('lists every optional platform package, so `npm ci` accepts it on a clean machine', () => {
    const check = spawnSync(process.execPath, [join(__dirname, '..', 'scripts', 'complete-lockfile.mjs'), '--check'], { encoding: 'utf8' });

    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });
});
