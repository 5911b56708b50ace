import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { join } from 'node:path';
import { WORKFLOW_BUNDLER_OPTIONS, WORKFLOWS_PATH } from '../../apps/worker/src/workflow-bundle';
import { quietLogger } from './temporal';

/** A careless edit of the main agent: its run-started record moved after the child workflows it starts. */
export const MAIN_AGENT_REORDERED = {
  file: 'main-agent.workflow.ts',
  find: 'await history.markRunStarted({ runId, microAgentKeys: microAgents.map((agent) => agent.key) });\n    await walkScope.run(walkWaves);',
  replace: 'await walkScope.run(walkWaves);\n    await history.markRunStarted({ runId, microAgentKeys: microAgents.map((agent) => agent.key) });',
};

/** The workflow code with one text edit in one file, bundled like the real one (the edit fails the build when its text is missing). */
export function bundleWithEdit({ file, find, replace }: { file: string; find: string; replace: string }): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    ...WORKFLOW_BUNDLER_OPTIONS,
    logger: quietLogger,
    webpackConfigHook: (config) => {
      const configured = WORKFLOW_BUNDLER_OPTIONS.webpackConfigHook?.(config) ?? config;
      const edit = { test: (path: string) => path.endsWith(file), enforce: 'pre' as const, use: [{ loader: join(__dirname, 'source-edit-loader.cjs'), options: { find, replace } }] };
      return { ...configured, module: { ...configured.module, rules: [...(configured.module?.rules ?? []), edit] } };
    },
  });
}
