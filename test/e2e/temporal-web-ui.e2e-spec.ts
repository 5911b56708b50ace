import { SEARCH_ATTRIBUTES, TERMINAL_RUN_STATUSES, workflowUiUrl, type AgentDefinition, type RunStatus } from '@flowmate/contracts';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { freePort } from '../../scripts/dev-stack/ports';
import { startTemporalDevServer, type TemporalDevServer } from '../../scripts/dev-stack/temporal-server';
import { signIn, type Session } from '../support/auth';
import { launchChromium } from '../support/browser';
import { factory } from '../support/factory';
import { pollUntil } from '../support/poll';
import { startStack, type Stack } from '../support/stack';

const SCREENSHOTS = join(__dirname, '..', '..', 'test-output', 'web-ui');
/** The UI renders a page piece by piece as the history and its decoded payloads arrive. */
const UI_TIMEOUT_MS = 10_000;
/**
 * In the workflow's input (the agent definition) and nowhere in clear text in Temporal: the page can
 * show it only once the API's codec has decrypted the payload. The run's own `input` stays in Postgres.
 */
const DECODED_ONLY_MARKER = 'marmalade-aurora-4417';
const MICRO_AGENT_KEYS = ['greet', 'farewell'];

interface RunBody {
  status: RunStatus;
  workflowId: string;
  temporalUiUrl: string;
  microAgents: { key: string; workflowId: string }[];
}

describe('Temporal Web UI (e2e): a finished run, seen in headless Chromium', () => {
  let server: TemporalDevServer;
  let uiUrl: string;
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let ada: Session;
  let agentId: string;
  let run: RunBody;
  let otherAgentsRun: RunBody;
  const decodeStatuses: number[] = [];

  const createAgent = async (definition: AgentDefinition): Promise<string> =>
    (await stack.http.post('/api/v1/agents').set('Authorization', ada.bearer).send(definition).expect(201)).body.id;

  const finishedRun = async (id: string): Promise<RunBody> => {
    const started = await stack.http.post(`/api/v1/agents/${id}/run`).set('Authorization', ada.bearer).send({ input: {} }).expect(202);
    return pollUntil(
      async () => (await stack.http.get(`/api/v1/runs/${started.body.runId}`).set('Authorization', ada.bearer).expect(200)).body as RunBody,
      (body) => TERMINAL_RUN_STATUSES.includes(body.status),
    );
  };

  /** Fails with the locator it waited for when the text never shows. */
  const seeText = (text: string): Promise<void> => page.getByText(text).first().waitFor({ timeout: UI_TIMEOUT_MS });

  const workflowList = (query: string): string =>
    `${uiUrl}/namespaces/${stack.config.temporal.namespace}/workflows?query=${encodeURIComponent(query)}`;

  const screenshot = (name: string): Promise<Buffer> => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });

  beforeAll(async () => {
    // The UI must be told the codec's address at start, so the API's port is chosen before the API listens.
    const apiPort = await freePort();
    const codecEndpoint = `http://127.0.0.1:${apiPort}/codec`;
    server = await startTemporalDevServer({
      uiPort: await freePort(),
      uiCodecEndpoint: codecEndpoint,
      searchAttributes: Object.values(SEARCH_ATTRIBUTES),
      log: (message) => process.stderr.write(`${message}\n`),
    });
    uiUrl = server.uiUrl as string;
    stack = await startStack({
      worker: true,
      port: apiPort,
      // Development is where the codec lets the local UI's own origin in without a token (CodecAccessGuard).
      env: { NODE_ENV: 'development', TEMPORAL_ADDRESS: server.address, TEMPORAL_UI_URL: uiUrl },
    });
    ada = await signIn(stack, 'ada@example.com');

    agentId = await createAgent(
      factory.agent({ name: DECODED_ONLY_MARKER, microAgents: MICRO_AGENT_KEYS.map((key) => factory.microAgent({ key })) }),
    );
    [run, otherAgentsRun] = await Promise.all([finishedRun(agentId), createAgent(factory.agent({ name: 'another agent' })).then(finishedRun)]);

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 1200 } });
    page.on('response', (response) => {
      if (response.request().method() === 'POST' && response.url() === `${codecEndpoint}/decode`) decodeStatuses.push(response.status());
    });
    await mkdir(SCREENSHOTS, { recursive: true });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await server?.stop();
  });

  it('opens the run’s temporalUiUrl on its workflow, with the input decrypted by the API’s codec', async () => {
    expect(run.status).toBe('succeeded');
    expect(run.temporalUiUrl).toBe(workflowUiUrl(uiUrl, stack.config.temporal.namespace, run.workflowId));

    await page.goto(run.temporalUiUrl);

    await page.getByRole('heading', { name: run.workflowId }).waitFor({ timeout: UI_TIMEOUT_MS });
    await seeText('mainAgentWorkflow');
    await seeText(DECODED_ONLY_MARKER);
    await screenshot('run-workflow');
    expect(decodeStatuses.length).toBeGreaterThan(0);
    expect(decodeStatuses.filter((status) => status !== 200)).toEqual([]);
  });

  it('shows one child workflow per micro agent, each with its tool activity', async () => {
    expect(run.microAgents.map(({ key }) => key)).toEqual(MICRO_AGENT_KEYS);
    await page.goto(run.temporalUiUrl);
    await page.getByRole('tab', { name: /^Relationships/ }).click({ timeout: UI_TIMEOUT_MS });
    for (const key of MICRO_AGENT_KEYS) await seeText(`${run.workflowId}/${key}`);
    await screenshot('run-relationships');

    for (const { key, workflowId } of run.microAgents) {
      await page.getByRole('link', { name: workflowId, exact: true }).click({ timeout: UI_TIMEOUT_MS });
      await page.getByRole('heading', { name: workflowId }).waitFor({ timeout: UI_TIMEOUT_MS });
      await seeText('microAgentWorkflow');
      await seeText('runToolStep');
      // The activity's summary, decoded too: which step and tool it ran.
      await seeText('render · text.render');
      await screenshot(`micro-agent-${key}`);
      await page.goBack();
    }
  });

  it('lists the runs of one agent by FlowMateAgentId, and none of another agent’s', async () => {
    await page.goto(workflowList(`FlowMateUserId="${ada.user.id}"`));
    await seeText(run.workflowId);
    await seeText(otherAgentsRun.workflowId);
    await screenshot('list-by-user');

    await page.goto(workflowList(`FlowMateAgentId="${agentId}"`));
    await seeText(run.workflowId);
    await screenshot('list-by-agent');
    expect(await page.getByText(otherAgentsRun.workflowId).count()).toBe(0);
  });
});
