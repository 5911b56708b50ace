import { readStackConfig } from './stack-config';

describe(readStackConfig.name, () => {
  it('starts Temporal and Postgres itself on the default ports when nothing is given', () => {
    const sut = readStackConfig('/repo', {});

    expect(sut).toMatchObject({
      apiPort: 3000,
      workerMetricsPort: 9464,
      nodeEnv: 'development',
      temporal: { kind: 'dev-server', port: 7233, uiPort: 8233, dbFilename: '/repo/.data/temporal.db' },
      postgres: { kind: 'embedded', port: 5433, dataDir: '/repo/.data/postgres' },
      temporalNamespace: 'default',
      temporalTaskQueue: 'flowmate',
      httpToolAllowedHosts: '127.0.0.1:3000',
      magicLinkDelivery: 'response',
    });
    expect(sut.jwtSecret).toBeUndefined();
    expect(sut.credentialsKeys).toBeUndefined();
  });

  it('uses what the environment names', () => {
    const sut = readStackConfig('/repo', {
      PORT: '4000',
      TEMPORAL_ADDRESS: 'temporal:7233',
      TEMPORAL_UI_URL: 'https://temporal.example.com',
      DATABASE_URL: 'postgres://db/flowmate',
      JWT_SECRET: 'x'.repeat(32),
      CREDENTIALS_KEYS: 'prod:key',
      NODE_ENV: 'test',
    });

    expect(sut).toMatchObject({
      apiPort: 4000,
      nodeEnv: 'test',
      jwtSecret: 'x'.repeat(32),
      credentialsKeys: 'prod:key',
      temporal: { kind: 'external', address: 'temporal:7233', uiUrl: 'https://temporal.example.com' },
      postgres: { kind: 'external', url: 'postgres://db/flowmate' },
      httpToolAllowedHosts: '',
    });
    expect(sut.magicLinkDelivery).toBeUndefined();
  });

  it('keeps its data where FLOWMATE_DATA_DIR says', () => {
    expect(readStackConfig('/repo', { FLOWMATE_DATA_DIR: '/tmp/fm' })).toMatchObject({
      dataDir: '/tmp/fm',
      temporal: { dbFilename: '/tmp/fm/temporal.db' },
      postgres: { dataDir: '/tmp/fm/postgres' },
    });
  });

  it('keeps an explicit HTTP_TOOL_ALLOWED_HOSTS, even an empty one', () => {
    expect(readStackConfig('/repo', { HTTP_TOOL_ALLOWED_HOSTS: '' }).httpToolAllowedHosts).toBe('');
    expect(readStackConfig('/repo', { HTTP_TOOL_ALLOWED_HOSTS: 'api.internal:8080' }).httpToolAllowedHosts).toBe('api.internal:8080');
  });

  it.each(['abc', '0', '70000', '30.5'])('names a port variable that holds %p', (value) => {
    expect(() => readStackConfig('/repo', { EMBEDDED_POSTGRES_PORT: value })).toThrow(
      `EMBEDDED_POSTGRES_PORT must be a port number (1-65535), got "${value}"`,
    );
  });
});
