import type { BundleOptions } from '@temporalio/worker';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const projectRoot = resolve(__dirname, '../../..');

/** Entry of the workflow code: `workflows/index.ts` from source, `workflows/index.js` from dist. */
export const WORKFLOWS_PATH = require.resolve(join(projectRoot, 'workflows'));

/** The prebuilt bundle `npm run build` writes next to the compiled worker. */
export const PREBUILT_BUNDLE_PATH = join(projectRoot, 'workflow-bundle.js');

/** Lets webpack resolve the `@flowmate/*` aliases that workflow code imports. */
export const WORKFLOW_BUNDLER_OPTIONS: Pick<BundleOptions, 'webpackConfigHook'> = {
  webpackConfigHook: (config) => ({
    ...config,
    resolve: {
      ...config.resolve,
      alias: {
        ...(config.resolve?.alias as Record<string, string> | undefined),
        '@flowmate/contracts': join(projectRoot, 'libs/contracts/src'),
      },
    },
  }),
};

export function prebuiltBundleExists(path = PREBUILT_BUNDLE_PATH): boolean {
  return existsSync(path);
}
