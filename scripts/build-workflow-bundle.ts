// Bundles the workflow code once at build time, so the production worker starts without webpack.
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { writeFile } from 'node:fs/promises';
import { PREBUILT_BUNDLE_PATH, WORKFLOW_BUNDLER_OPTIONS, WORKFLOWS_PATH } from '../apps/worker/src/workflow-bundle';

async function main(): Promise<void> {
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN'), ...WORKFLOW_BUNDLER_OPTIONS });
  await writeFile(PREBUILT_BUNDLE_PATH, code);
  console.log(`workflow bundle: ${PREBUILT_BUNDLE_PATH} (${Math.round(code.length / 1024)} KiB)`);
}

main().catch((error: Error) => {
  console.error(`could not bundle the workflows: ${error.message}`);
  process.exit(1);
});
