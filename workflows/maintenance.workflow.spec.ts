import { createDataConverter } from '@flowmate/crypto';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import type { MaintenanceActivities } from '../activities/maintenance.activities';
import { recordHistory } from '../test/support/recorded-histories';
import { connectTemporal, workflowBundle } from '../test/support/temporal';
import { maintenanceWorkflow } from './maintenance.workflow';

Runtime.install({ logger: new DefaultLogger('ERROR') });

describe(maintenanceWorkflow.name, () => {
  it('runs the trash’s purge and reports what it removed', async () => {
    const temporal = await connectTemporal();
    try {
      let purges = 0;
      const activities: MaintenanceActivities = {
        async purgeTrashedAgents() {
          purges += 1;
          return 3;
        },
      };
      const taskQueue = `test-${randomUUID()}`;
      const worker = await Worker.create({ connection: temporal.workerConnection, taskQueue, dataConverter: createDataConverter(), workflowBundle: await workflowBundle(), activities });
      const report = await worker.runUntil(async () => {
        const handle = await temporal.client.workflow.start(maintenanceWorkflow, { taskQueue, workflowId: `maintenance-${randomUUID()}` });
        const result = await handle.result();
        recordHistory('maintenance', await handle.fetchHistory());
        return result;
      });
      expect(report).toEqual({ agentsPurged: 3 });
      expect(purges).toBe(1);
    } finally {
      await temporal.close();
    }
  });
});
