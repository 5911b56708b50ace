import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertPortFree, freePort } from '../../scripts/dev-stack/ports';
import { pollUntil } from '../support/poll';

const ROOT = join(__dirname, '..', '..');

interface RunBody {
  status: string;
  output: { report: { text: string } };
}

type StackPorts = { api: number; workerMetrics: number; temporal: number; ui: number; postgres: number };

/** `npm start` as a user runs it, minus the build (the jest global setup does it once): npm → launcher → the stack. */
class StackUnderTest {
  readonly npm: ChildProcess;
  readonly exited: Promise<number | null>;
  output = '';

  private constructor(readonly ports: StackPorts, readonly dataDir: string, extraEnv: NodeJS.ProcessEnv) {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      FLOWMATE_CACHE_DIR: process.env.FLOWMATE_CACHE_DIR,
      FLOWMATE_DATA_DIR: dataDir,
      PORT: String(ports.api),
      WORKER_METRICS_PORT: String(ports.workerMetrics),
      TEMPORAL_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: String(ports.ui),
      EMBEDDED_POSTGRES_PORT: String(ports.postgres),
      LOG_LEVEL: 'warn',
      ...extraEnv,
    };
    // Its own process group, like a shell's foreground job, so a test can Ctrl-C the whole group.
    this.npm = spawn('npm', ['start', '--ignore-scripts', '--silent'], { cwd: ROOT, env, detached: true });
    this.npm.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.npm.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => this.npm.once('exit', (code) => resolve(code)));
  }

  static async start(dataDir: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<StackUnderTest> {
    const ports = { api: await freePort(), workerMetrics: await freePort(), temporal: await freePort(), ui: await freePort(), postgres: await freePort() };
    return new StackUnderTest(ports, dataDir, extraEnv);
  }

  async waitForOutput(text: string, timeoutMs = 120_000): Promise<void> {
    const seen = await pollUntil(async () => this.output, (output) => output.includes(text) || this.npm.exitCode !== null, timeoutMs);
    if (!seen.includes(text)) throw new Error(`never printed "${text}":\n${seen}`);
  }

  async waitForApiReady(): Promise<void> {
    const url = `http://127.0.0.1:${this.ports.api}/health/ready`;
    const status = await pollUntil(
      () => fetch(url).then((response) => response.status).catch(() => 0),
      (code) => code === 200 || this.npm.exitCode !== null,
      120_000,
    );
    if (status !== 200) throw new Error(`the API never answered 200:\n${this.output}`);
  }

  /** Ctrl-C in a terminal signals the whole foreground group: npm and the launcher alike. */
  interruptGroup(): void {
    process.kill(-(this.npm.pid as number), 'SIGINT');
  }

  /** A process manager or `kill` signals only the process it started: npm. */
  terminateNpm(): void {
    this.npm.kill('SIGTERM');
  }

  /** Every process the stack spawned inherits FLOWMATE_DATA_DIR; none of them may outlive npm. */
  leftoverProcesses(): string[] {
    const marker = `FLOWMATE_DATA_DIR=${this.dataDir}\0`;
    return readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/environ`, 'latin1').includes(marker);
        } catch {
          return false; // gone meanwhile, or not ours to read
        }
      })
      .map((pid) => readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ').trim());
  }

  async takenPorts(): Promise<string[]> {
    const taken: string[] = [];
    for (const [what, port] of Object.entries(this.ports)) {
      await assertPortFree(port, what).catch((error: Error) => taken.push(error.message));
    }
    return taken;
  }

  /** Last resort so a failing test cannot leave a stack behind for the next one. */
  kill(): void {
    try {
      process.kill(-(this.npm.pid as number), 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** `npm start` as a newcomer runs it: its own Temporal dev server and embedded Postgres, the API, the worker — then Ctrl-C. */
describe('npm start (e2e)', () => {
  let stack: StackUnderTest;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = privateDataDir();
    stack = await StackUnderTest.start(dataDir);
    await stack.waitForOutput('FlowMate is running');
  }, 180_000);

  afterAll(() => {
    stack.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints where everything is', () => {
    const { ports, output } = stack;
    expect(output).toContain(`http://127.0.0.1:${ports.api}/api/v1`);
    expect(output).toContain(`http://127.0.0.1:${ports.api}/docs`);
    expect(output).toContain(`http://127.0.0.1:${ports.ui}`);
    expect(output).toContain(`embedded at 127.0.0.1:${ports.postgres}`);
  });

  it('serves the Temporal Web UI', async () => {
    expect((await fetch(`http://127.0.0.1:${stack.ports.ui}/`)).status).toBe(200);
  });

  it('serves the worker’s metrics and readiness where it says', async () => {
    const worker = `http://127.0.0.1:${stack.ports.workerMetrics}`;
    expect(stack.output).toContain(`${worker}/metrics (worker)`);
    expect((await fetch(`${worker}/health/ready`)).status).toBe(200);
    expect(await (await fetch(`${worker}/metrics`)).text()).toContain('temporal_');
  });

  it('runs the README walkthrough agent to success', async () => {
    const api = `http://127.0.0.1:${stack.ports.api}/api/v1`;
    const post = async <T = Record<string, string>>(path: string, body: unknown, token?: string): Promise<T> => {
      const response = await fetch(`${api}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
      return (await response.json()) as T;
    };
    const { magicLinkToken } = await post('/auth', { email: 'newcomer@example.com' });
    const { accessToken } = await post('/auth/verify', { token: magicLinkToken });
    const agent = await post(
      '/agents',
      {
        name: 'Stack report',
        microAgents: [
          { key: 'health', tools: ['http.request'], steps: [{ id: 'get', tool: 'http.request', args: { method: 'GET', url: '{{input.apiBase}}/health/ready' } }] },
          { key: 'openapi', tools: ['http.request'], steps: [{ id: 'get', tool: 'http.request', args: { method: 'GET', url: '{{input.apiBase}}/docs-json' } }] },
          {
            key: 'report',
            dependsOn: ['health', 'openapi'],
            tools: ['text.render'],
            steps: [
              {
                id: 'render',
                tool: 'text.render',
                args: {
                  template: '{{api.title}}: Postgres {{health.checks.postgres}}, Temporal {{health.checks.temporal}}',
                  data: { health: '{{agents.health.output.body}}', api: '{{agents.openapi.output.body.info}}' },
                },
              },
            ],
          },
        ],
      },
      accessToken,
    );
    const { runId } = await post(`/agents/${agent.id}/run`, { input: { apiBase: `http://127.0.0.1:${stack.ports.api}` } }, accessToken);

    const run = await pollUntil(
      async () => (await (await fetch(`${api}/runs/${runId}`, { headers: { Authorization: `Bearer ${accessToken}` } })).json()) as RunBody,
      (body) => ['succeeded', 'failed'].includes(body.status),
    );

    expect(run.status).toBe('succeeded');
    expect(run.output.report.text).toBe('FlowMate API: Postgres true, Temporal true');
  });

  it('stops everything it started on Ctrl-C', async () => {
    stack.interruptGroup();

    expect(await stack.exited).toBe(0);
    expect(stack.output).toContain('Stopped.');
    expect(stack.leftoverProcesses()).toEqual([]);
    expect(await stack.takenPorts()).toEqual([]);
  }, 60_000);
});

/** Whatever state start-up is in when a signal or a failure comes, npm ends only after every process it led to. */
describe('npm start stopped during start-up (e2e)', () => {
  let dataDir: string;
  let stack: StackUnderTest | undefined;

  beforeAll(() => {
    // One cluster for all cases: only the first start pays for initdb.
    dataDir = privateDataDir();
  });

  afterEach(() => stack?.kill());

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const cases: Array<{ when: string; reach: (stack: StackUnderTest) => Promise<void>; signal: (stack: StackUnderTest) => void }> = [
    { when: 'Ctrl-C before Postgres is up', reach: (s) => s.waitForOutput('Starting embedded Postgres'), signal: (s) => s.interruptGroup() },
    { when: 'Ctrl-C right after the API answers', reach: (s) => s.waitForApiReady(), signal: (s) => s.interruptGroup() },
    { when: 'SIGTERM to npm right after the API answers', reach: (s) => s.waitForApiReady(), signal: (s) => s.terminateNpm() },
    { when: 'SIGTERM to npm while the worker connects', reach: (s) => s.waitForOutput('starting the worker'), signal: (s) => s.terminateNpm() },
    { when: 'SIGTERM to npm once everything runs', reach: (s) => s.waitForOutput('FlowMate is running'), signal: (s) => s.terminateNpm() },
  ];

  it.each(cases)('$when: leaves no process and no port', async ({ reach, signal }) => {
    stack = await StackUnderTest.start(dataDir);
    await reach(stack);
    signal(stack);

    expect(await stack.exited).toBe(0);
    expect(stack.output).toContain('Stopped.');
    expect(stack.leftoverProcesses()).toEqual([]);
    expect(await stack.takenPorts()).toEqual([]);
  }, 180_000);

  it('a worker that fails half-way stops the whole stack with its reason', async () => {
    // Production signs people in by e-mail; the mail server is never contacted here.
    const signInByMail = { AUTH_MAGIC_LINK_DELIVERY: 'smtp', SMTP_URL: 'smtp://127.0.0.1:2525', MAIL_FROM: 'no-reply@flowmate.test', PUBLIC_APP_URL: 'https://app.flowmate.test' };
    stack = await StackUnderTest.start(dataDir, { NODE_ENV: 'production', WORKFLOW_BUNDLE_PATH: join(dataDir, 'no-such-bundle.js'), ...signInByMail });

    expect(await stack.exited).toBe(1);
    expect(stack.output).toMatch(/worker failed: the workflow bundle .*no-such-bundle\.js is missing/);
    expect(stack.leftoverProcesses()).toEqual([]);
    expect(await stack.takenPorts()).toEqual([]);
  }, 180_000);
});

function privateDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'flowmate-start-'));
  // mkdtemp makes it 0700; embedded Postgres runs as `nobody` when tests run as root.
  chmodSync(dir, 0o755);
  return dir;
}
