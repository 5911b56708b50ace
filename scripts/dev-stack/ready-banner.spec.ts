import { formatReadyBanner, maskPassword } from './ready-banner';
import { readStackConfig } from './stack-config';

describe(maskPassword.name, () => {
  it('hides the password and keeps the rest', () => {
    expect(maskPassword('postgres://app:s3cret@db.internal:5432/flowmate?sslmode=require')).toBe(
      'postgres://app:****@db.internal:5432/flowmate?sslmode=require',
    );
  });

  it('shows nothing of a value that is not a URL', () => {
    expect(maskPassword('app:s3cret@nowhere')).not.toContain('s3cret');
  });
});

describe(formatReadyBanner.name, () => {
  it('lists the local stack', () => {
    const config = readStackConfig('/repo', {});

    const banner = formatReadyBanner({ config, temporalAddress: '127.0.0.1:7233', temporalUiUrl: 'http://127.0.0.1:8233' });

    expect(banner).toContain('API              http://127.0.0.1:3000/api/v1');
    expect(banner).toContain('OpenAPI          http://127.0.0.1:3000/docs');
    expect(banner).toContain('Metrics          http://127.0.0.1:3000/metrics (API), http://127.0.0.1:9464/metrics (worker)');
    expect(banner).toContain('Temporal Web UI  http://127.0.0.1:8233');
    expect(banner).toContain('Temporal         127.0.0.1:7233 (dev server, history in .data/temporal.db)');
    expect(banner).toContain('Postgres         embedded at 127.0.0.1:5433');
  });

  it('names external services without their secrets', () => {
    const config = readStackConfig('/repo', {
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      DATABASE_URL: 'postgres://app:s3cret@db.internal/flowmate',
    });

    const banner = formatReadyBanner({ config, temporalAddress: 'temporal.internal:7233' });

    expect(banner).toContain('external Temporal at temporal.internal:7233');
    expect(banner).toContain('postgres://app:****@db.internal/flowmate (from DATABASE_URL)');
    expect(banner).not.toContain('s3cret');
  });
});
