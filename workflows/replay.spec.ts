import { createDataConverter } from '@flowmate/crypto';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKFLOW_BUNDLER_OPTIONS, WORKFLOWS_PATH } from '../apps/worker/src/workflow-bundle';
import { quietLogger, workflowBundle } from '../test/support/temporal';
import { TEST_PAYLOAD_KEYS } from '../test/support/key-settings';

/**
 * Histories recorded from real runs (`temporal workflow show --output json`). Today's workflow code must
 * replay every one of them, or runs in flight when it deploys would break: record a new history when a
 * workflow changes on purpose, keep the old ones until no run of that version can be open.
 */
const HISTORIES_DIR = join(__dirname, '..', 'test', 'histories');
const histories = readdirSync(HISTORIES_DIR).filter((file) => file.endsWith('.json'));

describe('recorded workflow histories', () => {
  it('has histories to replay', () => {
    expect(histories.length).toBeGreaterThanOrEqual(4);
  });

  it.each(histories)('replays %s with the current workflow code', async (file) => {
    const history = JSON.parse(readFileSync(join(HISTORIES_DIR, file), 'utf8'));
    await expect(Worker.runReplayHistory({ workflowBundle: await workflowBundle(), dataConverter: createDataConverter(TEST_PAYLOAD_KEYS) }, history, file)).resolves.toBeUndefined();
  });

  it('catches a careless edit: an activity call moved after the child workflows fails the replay', async () => {
    const history = JSON.parse(readFileSync(join(HISTORIES_DIR, 'main-agent-succeeded.json'), 'utf8'));
    const replay = (bundle: WorkflowBundleWithSourceMap) =>
      Worker.runReplayHistory({ workflowBundle: bundle, dataConverter: createDataConverter(TEST_PAYLOAD_KEYS) }, history, 'main-agent-succeeded');
    const markStarted = 'await history.markRunStarted({ runId, microAgentKeys: microAgents.map((agent) => agent.key) });\n    await walkScope.run(walkWaves);';
    const reordered = await bundleWithEdit('main-agent.workflow.ts', markStarted, 'await walkScope.run(walkWaves);\n    await history.markRunStarted({ runId, microAgentKeys: microAgents.map((agent) => agent.key) });');

    await expect(replay(reordered)).rejects.toThrow(DeterminismViolationError);
    await expect(replay(await workflowBundle())).resolves.toBeUndefined();
  }, 120_000);
});

/** The workflow code with one text edit in one file, bundled like the real one. */
function bundleWithEdit(file: string, find: string, replace: string): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    ...WORKFLOW_BUNDLER_OPTIONS,
    logger: quietLogger,
    webpackConfigHook: (config) => {
      const configured = WORKFLOW_BUNDLER_OPTIONS.webpackConfigHook?.(config) ?? config;
      const rules = configured.module?.rules ?? [];
      const edit = { test: (path: string) => path.endsWith(file), enforce: 'pre' as const, use: [{ loader: join(__dirname, '..', 'test', 'support', 'source-edit-loader.cjs'), options: { find, replace } }] };
      return { ...configured, module: { ...configured.module, rules: [...rules, edit] } };
    },
  });
}
