import { createDataConverter } from '@flowmate/crypto';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workflowBundle } from '../test/support/temporal';
import { bundleWithEdit, MAIN_AGENT_REORDERED } from '../test/support/workflow-edits';
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
    const reordered = await bundleWithEdit(MAIN_AGENT_REORDERED);

    await expect(replay(reordered)).rejects.toThrow(DeterminismViolationError);
    await expect(replay(await workflowBundle())).resolves.toBeUndefined();
  }, 120_000);
});
