import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertPortFree } from '../../scripts/dev-stack/ports';
import { freePort } from '../support/free-port';
import { pollUntil } from '../support/poll';

const ROOT = join(__dirname, '..', '..');

interface RunBody {
  status: string;
  output: { report: { text: string } };
}

/**
 * `npm start` as a newcomer runs it: the built launcher with its own Temporal dev server and embedded
 * Postgres, the compiled API and the worker on the prebuilt workflow bundle — then Ctrl-C.
 */
describe('npm start (e2e)', () => {
  let launcher: ChildProcess;
  let output = '';
  let dataDir: string;
  let ports: { api: number; temporal: number; ui: number; postgres: number };

  beforeAll(async () => {
    const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);

    ports = { api: await freePort(), temporal: await freePort(), ui: await freePort(), postgres: await freePort() };
    dataDir = mkdtempSync(join(tmpdir(), 'flowmate-start-'));
    // mkdtemp makes it 0700; embedded Postgres runs as `nobody` when tests run as root.
    chmodSync(dataDir, 0o755);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      FLOWMATE_CACHE_DIR: process.env.FLOWMATE_CACHE_DIR,
      FLOWMATE_DATA_DIR: dataDir,
      PORT: String(ports.api),
      TEMPORAL_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: String(ports.ui),
      EMBEDDED_POSTGRES_PORT: String(ports.postgres),
      LOG_LEVEL: 'warn',
    };
    launcher = spawn(process.execPath, ['dist/scripts/dev-stack.js'], { cwd: ROOT, env });
    launcher.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    launcher.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

    const banner = await pollUntil(async () => output, (text) => text.includes('FlowMate is running') || launcher.exitCode !== null, 120_000);
    if (!banner.includes('FlowMate is running')) throw new Error(`the launcher did not get ready:\n${output}`);
  }, 180_000);

  afterAll(() => {
    if (launcher.exitCode === null) launcher.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints where everything is', () => {
    expect(output).toContain(`http://127.0.0.1:${ports.api}/api/v1`);
    expect(output).toContain(`http://127.0.0.1:${ports.api}/docs`);
    expect(output).toContain(`http://127.0.0.1:${ports.ui}`);
    expect(output).toContain(`embedded at 127.0.0.1:${ports.postgres}`);
  });

  it('serves the Temporal Web UI', async () => {
    expect((await fetch(`http://127.0.0.1:${ports.ui}/`)).status).toBe(200);
  });

  it('runs the README walkthrough agent to success', async () => {
    const api = `http://127.0.0.1:${ports.api}/api/v1`;
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
    const { runId } = await post(`/agents/${agent.id}/run`, { input: { apiBase: `http://127.0.0.1:${ports.api}` } }, accessToken);

    const run = await pollUntil(
      async () => (await (await fetch(`${api}/runs/${runId}`, { headers: { Authorization: `Bearer ${accessToken}` } })).json()) as RunBody,
      (body) => ['succeeded', 'failed'].includes(body.status),
    );

    expect(run.status).toBe('succeeded');
    expect(run.output.report.text).toBe('FlowMate API: Postgres true, Temporal true');
  });

  it('stops everything it started on Ctrl-C', async () => {
    const exited = new Promise<number | null>((resolve) => launcher.once('exit', (code) => resolve(code)));
    launcher.kill('SIGINT');

    expect(await exited).toBe(0);
    expect(output).toContain('Stopped.');
    for (const [what, port] of Object.entries(ports)) await expect(assertPortFree(port, what)).resolves.toBeUndefined();
  }, 60_000);
});
