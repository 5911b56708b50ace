import { signIn } from '../support/auth';
import { startStack, type Stack } from '../support/stack';

/** Prometheus's view of the API: requests by route template and status, behind a token when one is set. */
describe('API metrics (e2e)', () => {
  const token = 'metrics-scraper-token-1';
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ env: { METRICS_TOKEN: token } });
  });
  afterAll(() => stack.stop());

  const scrape = () => stack.http.get('/metrics').set('Authorization', `Bearer ${token}`).expect(200);

  it('counts requests by route template, never by id, and times them', async () => {
    const ada = await signIn(stack, 'ada@example.com');
    for (const id of ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002']) {
      await stack.http.get(`/api/v1/agents/${id}`).set('Authorization', ada.bearer).expect(404);
    }
    await stack.http.get('/api/v1/agents').expect(401);
    await stack.http.get('/no/such/route').expect(404);

    const { text, headers } = await scrape();
    expect(headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
    expect(text).toContain('http_requests_total{method="GET",route="/api/v1/agents/:id",status="404"} 2');
    expect(text).toContain('http_requests_total{method="GET",route="/api/v1/agents",status="401"} 1');
    expect(text).toContain('http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(text).toMatch(/http_request_duration_seconds_bucket\{le="0\.5",method="GET",route="\/api\/v1\/agents\/:id",status="404"\} 2/);
    expect(text).not.toContain('00000000-0000-4000-8000-000000000001');
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('asks for the configured bearer token', async () => {
    await stack.http.get('/metrics').expect(401);
    await stack.http.get('/metrics').set('Authorization', 'Bearer wrong-token-of-some-length').expect(401);
  });
});
