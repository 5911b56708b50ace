import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WORKFLOWS_PATH, workflowSource } from './workflow-bundle';

describe(workflowSource.name, () => {
  let dir: string;
  let bundle: string;
  let missing: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'flowmate-bundle-'));
    bundle = join(dir, 'workflow-bundle.js');
    missing = join(dir, 'missing.js');
    writeFileSync(bundle, '// a bundle');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['production', 'development', 'test'] as const)('loads a prebuilt bundle that exists (%s)', (env) => {
    expect(workflowSource({ env, workflowBundlePath: bundle })).toEqual({ workflowBundle: { codePath: bundle } });
  });

  it('refuses to start in production without the bundle, naming the path and the fix', () => {
    expect(() => workflowSource({ env: 'production', workflowBundlePath: missing })).toThrow(
      new RegExp(`workflow bundle ${missing} is missing; build it with \`npm run build\``),
    );
  });

  it.each(['development', 'test'] as const)('bundles from source when the bundle is missing (%s)', (env) => {
    expect(workflowSource({ env, workflowBundlePath: missing })).toMatchObject({ workflowsPath: WORKFLOWS_PATH });
  });
});
