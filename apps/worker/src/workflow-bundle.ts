import type { AppConfig } from '@flowmate/config';
import { FAILURE_CONVERTER_PATH } from '@flowmate/crypto';
import type { BundleOptions, WorkerOptions } from '@temporalio/worker';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const projectRoot = resolve(__dirname, '../../..');

/** Entry of the workflow code: `workflows/index.ts` from source, `workflows/index.js` from dist. */
export const WORKFLOWS_PATH = require.resolve(join(projectRoot, 'workflows'));

/** Adds the FlowMate run and micro agent to the workflows' log lines. */
export const WORKFLOW_INTERCEPTOR_MODULES = [require.resolve(join(projectRoot, 'workflows', 'run-log-attributes'))];

/** The prebuilt bundle `npm run build` writes next to the compiled worker. */
export const PREBUILT_BUNDLE_PATH = join(projectRoot, 'workflow-bundle.js');

/**
 * Lets webpack resolve the `@flowmate/*` aliases that workflow code imports; a prebuilt bundle also carries
 * the failure converter and the interceptors.
 */
export const WORKFLOW_BUNDLER_OPTIONS: Pick<BundleOptions, 'webpackConfigHook' | 'failureConverterPath' | 'workflowInterceptorModules'> = {
  failureConverterPath: FAILURE_CONVERTER_PATH,
  workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
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

export type WorkflowSource = Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath' | 'bundlerOptions'>;

/**
 * The prebuilt bundle. Bundling from source is for development and tests only: in a production image a
 * missing bundle means a broken build, and bundling at every start would hide it and cost seconds and memory.
 */
export function workflowSource({ env, workflowBundlePath }: { env: AppConfig['env']; workflowBundlePath?: string }): WorkflowSource {
  const bundlePath = workflowBundlePath ?? PREBUILT_BUNDLE_PATH;
  if (existsSync(bundlePath)) return { workflowBundle: { codePath: bundlePath } };
  if (env === 'production') {
    throw new Error(
      `the workflow bundle ${bundlePath} is missing; build it with \`npm run build\` or set WORKFLOW_BUNDLE_PATH ` +
        '(bundling from source happens only when NODE_ENV is development or test)',
    );
  }
  return { workflowsPath: WORKFLOWS_PATH, bundlerOptions: WORKFLOW_BUNDLER_OPTIONS };
}
