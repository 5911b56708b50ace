import { SEARCH_ATTRIBUTES } from '@flowmate/contracts';
import { isPinnedImage } from './pinned-images';
import { parseYamlFile, readText } from './repository-files';

interface ComposeService {
  image?: string;
  build?: string;
  command?: string[];
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string | number>;
  healthcheck?: { test: string[] };
  entrypoint?: string[];
}

const COMPOSE_FILE = 'docker-compose.yml';
const [compose] = parseYamlFile(COMPOSE_FILE) as Array<{ services: Record<string, ComposeService>; volumes: Record<string, unknown> }>;
const { services } = compose;
const LONG_RUNNING = ['postgres', 'temporal', 'api', 'worker'];

/** `KEY=value` lines of an env file. */
const envFileKeys = (path: string): string[] =>
  readText(path)
    .split('\n')
    .filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line))
    .map((line) => line.slice(0, line.indexOf('=')));

describe(COMPOSE_FILE, () => {
  it('runs postgres, temporal, temporal-ui, the API and the worker', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['postgres', 'temporal', 'temporal-ui', 'api', 'worker']));
    expect(compose.volumes).toHaveProperty('postgres-data');
  });

  it.each(Object.entries(services))('%s runs a pinned image', (_, service) => {
    expect(isPinnedImage(service.image ?? '')).toBe(service.build === undefined);
  });

  it.each(LONG_RUNNING)('%s has a healthcheck', (name) => {
    expect(services[name].healthcheck?.test[0]).toBe('CMD');
  });

  it('starts each service only once what it needs is healthy (or done)', () => {
    expect(services.temporal.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(services.api.depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      'temporal-search-attributes': { condition: 'service_completed_successfully' },
    });
    expect(services.worker.depends_on).toEqual({ api: { condition: 'service_healthy' } });
    expect(services['temporal-ui'].depends_on).toEqual({ temporal: { condition: 'service_healthy' } });
  });

  it('checks the API and the worker on the health routes they serve', () => {
    expect(services.api.healthcheck?.test.join(' ')).toContain('http://127.0.0.1:3000/health/');
    expect(services.worker.healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${services.worker.environment?.WORKER_METRICS_PORT}/health/live`);
    expect(services.worker.command).toEqual(['node', 'dist/apps/worker/src/main.js']);
  });

  it('registers every FlowMate search attribute as a Keyword', () => {
    const script = services['temporal-search-attributes'].command?.join(' ') ?? '';
    const names = Object.values(SEARCH_ATTRIBUTES).map((key) => key.name);

    expect(script).toContain(`for name in ${names.join(' ')}; do`);
    expect(script).toContain('--type Keyword');
  });

  it('points the Web UI at the API codec', () => {
    expect(services['temporal-ui'].environment?.TEMPORAL_CODEC_ENDPOINT).toBe('http://localhost:3000/codec');
  });

  it('reads only variables .env.example lists, which holds no values for its secrets', () => {
    const read = new Set([...readText(COMPOSE_FILE).matchAll(/\$\{([A-Z][A-Z0-9_]*)[:}?-]/g)].map(([, name]) => name));
    const listed = envFileKeys('.env.example');
    const secrets = ['POSTGRES_PASSWORD', 'JWT_SECRET', 'CREDENTIALS_KEYS', 'PAYLOAD_KEYS'];

    expect(read.size).toBeGreaterThanOrEqual(secrets.length);
    expect([...read].sort()).toEqual([...listed].sort());
    expect(secrets.filter((name) => !readText('.env.example').includes(`\n${name}=\n`))).toEqual([]);
  });
});
