import { createDataConverter } from '@flowmate/crypto';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import type { MaintenanceActivities } from '../activities/maintenance.activities';
import { recordHistory } from '../test/support/recorded-histories';
import { connectTemporal, workflowBundle } from '../test/support/temporal';
import { maintenanceWorkflow } from './maintenance.workflow';
import { TEST_PAYLOAD_KEYS } from '../test/support/key-settings';

Runtime.install({ logger: new DefaultLogger('ERROR') });

describe(maintenanceWorkflow.name, () => {
  it('runs the trash’s purge and the retention purges, and reports what each removed', async () => {
    const temporal = await connectTemporal();
    try {
      const purges: string[] = [];
      const activities: MaintenanceActivities = {
        async purgeTrashedAgents() {
          purges.push('agents');
          return 3;
        },
        async purgeOldRuns() {
          purges.push('runs');
          return 500;
        },
        async purgeOldAuditEvents() {
          purges.push('audit');
          return 0;
        },
      };
      const taskQueue = `test-${randomUUID()}`;
      const worker = await Worker.create({ connection: temporal.workerConnection, taskQueue, dataConverter: createDataConverter(TEST_PAYLOAD_KEYS), workflowBundle: await workflowBundle(), activities });
      const report = await worker.runUntil(async () => {
        const handle = await temporal.client.workflow.start(maintenanceWorkflow, { taskQueue, workflowId: `maintenance-${randomUUID()}` });
        const result = await handle.result();
        await recordHistory('maintenance', await handle.fetchHistory(), TEST_PAYLOAD_KEYS);
        return result;
      });
      expect(report).toEqual({ agentsPurged: 3, runsPurged: 500, auditEventsPurged: 0 });
      expect(purges).toEqual(['agents', 'runs', 'audit']);
    } finally {
      await temporal.close();
    }
  });
});
