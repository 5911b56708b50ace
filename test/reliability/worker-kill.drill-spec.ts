import { TERMINAL_RUN_STATUSES, type AgentDefinition } from '@flowmate/contracts';
import { setTimeout as sleep } from 'node:timers/promises';
import { startHttpFixture, type HttpFixture } from '../fakes/http-fixture';
import { signIn, type Session } from '../support/auth';
import { pollUntil } from '../support/poll';
import { startStack, type Stack } from '../support/stack';
import { startOwnTemporal, type OutageServer } from './support/outage-servers';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';
import { drillSize } from './drill-scale';
import { randomBetween, SideEffectLedger, sideEffectKey, type Delivery } from './support/side-effects';

const RUNS = drillSize(6, 24);
const KILLS = drillSize(3, 10);
/** Every third worker freezes right after storing a call's result, so some kills land between the store and the report. */
const FAILPOINT_EVERY = 3;
/** Steps that call the fake, and so have a side effect each. */
const SIDE_EFFECT_STEPS = ['pay/charge', 'pay/ship', 'notify/notify'];
const TOOL_STEPS = [...SIDE_EFFECT_STEPS, 'pay/receipt'];
/** A run's history rows: one per micro agent and one per step. */
const HISTORY_ROWS = [...TOOL_STEPS, 'pay', 'notify'].sort();

interface Kill {
  at: number;
  /** Calls the fake had received and not yet answered when the worker died. */
  inFlight: number;
  failpoint: boolean;
}

interface StepRow {
  run_id: string;
  step_key: string;
  status: string;
  attempts: number;
}

/**
 * Fault drill 1: the worker process is SIGKILLed again and again while runs make side-effecting calls, and a
 * new one started each time. Every run must complete, each (run, step) must have exactly one side effect at
 * the fake, and one history row.
 */
describe('drill 1: SIGKILL the worker during tool activities', () => {
  let stack: Stack;
  /** Its own: timed-out and retried activities load a Temporal, and the suite's shared one serves other tests meanwhile. */
  let temporal: OutageServer;
  let fixture: HttpFixture;
  let ada: Session;
  const ledger = new SideEffectLedger();
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    const latency = () => randomBetween(200, 1_500);
    const endpoints = {
      '/charges': ledger.endpoint((effect) => ({ chargeId: `ch_${effect}` }), latency),
      '/shipments': ledger.endpoint((effect) => ({ shipmentId: `sh_${effect}` }), latency),
      '/notifications': ledger.endpoint((effect) => ({ notificationId: `no_${effect}` }), latency),
    };
    fixture = await startHttpFixture((request) => {
      const path = new URL(request.path, 'http://fake').pathname as keyof typeof endpoints;
      return endpoints[path]?.(request) ?? { status: 404, body: `no route for ${path}` };
    });
    temporal = await startOwnTemporal();
    stack = await startStack({ env: { TEMPORAL_ADDRESS: temporal.address, HTTP_TOOL_ALLOWED_HOSTS: fixture.hostPort } });
    ada = await signIn(stack, 'ada@example.com');
  });

  afterAll(async () => {
    for (const worker of workers.splice(0)) {
      worker.process.kill('SIGKILL');
      await worker.exited;
    }
    await stack?.stop();
    await fixture?.close();
    await temporal?.destroy();
  });

  const startWorker = async (env: Record<string, string> = {}): Promise<WorkerProcess> => {
    const started = await startWorkerProcess(stack.config, env);
    workers.push(started);
    return started;
  };

  const definition: AgentDefinition = {
    name: 'Order',
    microAgents: [
      {
        key: 'pay',
        tools: ['http.request', 'text.render'],
        steps: [
          { id: 'charge', tool: 'http.request', args: { method: 'POST', url: '{{input.baseUrl}}/charges', body: { cents: 500 } } },
          { id: 'ship', tool: 'http.request', args: { method: 'POST', url: '{{input.baseUrl}}/shipments', body: { charge: '{{steps.charge.output.body.chargeId}}' } } },
          { id: 'receipt', tool: 'text.render', args: { template: '{{chargeId}}', data: '{{steps.charge.output.body}}' } },
        ],
      },
      {
        key: 'notify',
        dependsOn: ['pay'],
        tools: ['http.request'],
        steps: [{ id: 'notify', tool: 'http.request', args: { method: 'POST', url: '{{input.baseUrl}}/notifications', body: { text: 'shipped' } } }],
      },
    ],
  };

  const runOf = async (runId: string) => (await stack.http.get(`/api/v1/runs/${runId}`).set('Authorization', ada.bearer).expect(200)).body;

  it(`completes ${RUNS} runs through ${KILLS} SIGKILLs, with one side effect and one history row per (run, step)`, async () => {
    const agent = await stack.http.post('/api/v1/agents').set('Authorization', ada.bearer).send(definition).expect(201);
    const startRun = async (): Promise<string> =>
      (await stack.http.post(`/api/v1/agents/${agent.body.id}/run`).set('Authorization', ada.bearer).send({ input: { baseUrl: fixture.url } }).expect(202)).body.runId;

    const began = Date.now();
    const runIds: string[] = [];
    const kills: Kill[] = [];
    for (let round = 0; round < KILLS; round++) {
      const failpoint = round % FAILPOINT_EVERY === FAILPOINT_EVERY - 1;
      const doomed = await startWorker(failpoint ? { TEST_FAILPOINTS: 'tool-result-stored' } : {});
      // Runs arrive through the drill, so every kill finds calls to interrupt.
      const batch = Math.ceil((RUNS * (round + 1)) / KILLS) - runIds.length;
      runIds.push(...(await Promise.all(Array.from({ length: batch }, startRun))));

      if (failpoint) {
        await pollUntil(async () => doomed.output(), (output) => output.includes('failpoint tool-result-stored reached'), 60_000);
      } else {
        await pollUntil(async () => ledger.inFlight(), (inFlight) => inFlight > 0, 60_000);
      }
      // A random point: within a call (the fake answers in 0.2–1.5 s), or between calls.
      await sleep(randomBetween(0, 1_500));
      kills.push({ at: Date.now(), inFlight: ledger.inFlight(), failpoint });
      doomed.process.kill('SIGKILL');
      expect((await doomed.exited).signal).toBe('SIGKILL');
    }
    await startWorker();

    const runs = await Promise.all(
      runIds.map((runId) => pollUntil(() => runOf(runId), (run) => TERMINAL_RUN_STATUSES.includes(run.status), 240_000)),
    );
    const took = Date.now() - began;

    const lost = runs.filter((run) => run.status !== 'succeeded').map((run) => ({ id: run.id, status: run.status, error: run.error }));
    const expectedKeys = runIds.flatMap((runId) => SIDE_EFFECT_STEPS.map((step) => sideEffectKey(runId, step)));
    const effectsPerKey = expectedKeys.map((key) => [key, ledger.effectsOf(key)] as const);
    const stray = ledger.deliveries.filter((delivery) => delivery.key === undefined || !expectedKeys.includes(delivery.key));
    // A call is made again only when a kill interrupted the one before it; never on its own.
    const unexplained = expectedKeys.flatMap((key) =>
      ledger
        .deliveriesOf(key)
        .filter((delivery, index, all) => index > 0 && !kills.some((kill) => kill.at > all[index - 1].at && kill.at < delivery.at))
        .map((delivery: Delivery) => ({ key, at: delivery.at - began })),
    );
    const rows = (await stack.db.query(`SELECT run_id, step_key, status, attempts FROM run_steps WHERE run_id = ANY($1) ORDER BY run_id, step_key COLLATE "C"`, [runIds])) as StepRow[];
    const replays = ledger.deliveries.length - ledger.effects().length;
    const attempts = rows.filter((row) => TOOL_STEPS.includes(row.step_key)).reduce<Record<number, number>>((counts, row) => ({ ...counts, [row.attempts]: (counts[row.attempts] ?? 0) + 1 }), {});
    process.stderr.write(
      `[drill 1] ${runIds.length} runs, ${kills.length} kills (${kills.filter((kill) => kill.failpoint).length} at the failpoint, ` +
        `${kills.reduce((sum, kill) => sum + kill.inFlight, 0)} calls in flight at the kills), ${lost.length} runs lost, ` +
        `${ledger.deliveries.length} requests for ${ledger.effects().length} side effects (${replays} idempotent replays), ` +
        `steps by attempts ${JSON.stringify(attempts)}, ${took} ms\n`,
    );

    expect(kills).toHaveLength(KILLS);
    expect(lost).toEqual([]);
    expect(effectsPerKey.filter(([, effects]) => effects !== 1)).toEqual([]);
    expect(ledger.effects()).toHaveLength(expectedKeys.length);
    expect(stray).toEqual([]);
    expect(unexplained).toEqual([]);
    // The run kept the answer of the one side effect, not of a call made again.
    for (const run of runs) expect(run.output.pay.text).toBe((ledger.answerFor(sideEffectKey(run.id, 'pay/charge')) as { chargeId: string }).chargeId);

    expect(rows).toHaveLength(runIds.length * HISTORY_ROWS.length);
    for (const runId of runIds) {
      const ofRun = rows.filter((row) => row.run_id === runId);
      expect({ runId, steps: ofRun.map((row) => [row.step_key, row.status]) }).toEqual({ runId, steps: HISTORY_ROWS.map((step) => [step, 'succeeded']) });
      for (const row of ofRun.filter((each) => TOOL_STEPS.includes(each.step_key))) {
        // Every request was an attempt of its own; an attempt beyond the first needs a kill to explain it.
        if (SIDE_EFFECT_STEPS.includes(row.step_key)) expect(row.attempts).toBeGreaterThanOrEqual(ledger.deliveriesOf(sideEffectKey(runId, row.step_key)).length);
        expect(row.attempts).toBeLessThanOrEqual(1 + kills.length);
      }
    }
    for (const runId of runIds) {
      for (const workflowId of [`run-${runId}`, `run-${runId}/pay`, `run-${runId}/notify`]) {
        expect([workflowId, (await stack.temporal.workflow.getHandle(workflowId).describe()).status.name]).toEqual([workflowId, 'COMPLETED']);
      }
    }
  }, drillSize(300_000, 900_000));
});
