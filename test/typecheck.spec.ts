import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

/** jest compiles with swc, which strips types without checking them; this is where they are checked. */
describe('TypeScript', () => {
  it('type-checks the whole tree', () => {
    const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit'], {
      cwd: ROOT,
      encoding: 'utf8',
    });

    expect(tsc.stdout).toBe('');
    expect(tsc.status).toBe(0);
  }, 120_000);
});
