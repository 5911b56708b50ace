import { connect } from 'node:net';
import { startHttpFixture } from '../fakes/http-fixture';
import { refuseNonLoopbackSockets } from './loopback-only-network';

describe(refuseNonLoopbackSockets.name, () => {
  let restore: () => void;
  beforeEach(() => (restore = refuseNonLoopbackSockets()));
  afterEach(() => restore());

  it('refuses a socket to an address off the machine before it opens', () => {
    expect(() => connect({ host: '169.254.169.254', port: 80 })).toThrow(/not loopback/);
    expect(() => connect(80, '10.0.0.1')).toThrow(/not loopback/);
  });

  it('refuses a name that resolves off the machine, and lets loopback through', async () => {
    const fixture = await startHttpFixture({ 'GET /ok': { body: { ok: true } } });
    try {
      expect((await fetch(`${fixture.url}/ok`)).status).toBe(200);
      const refused = await new Promise<Error>((resolve) => connect({ host: 'example.com', port: 80 }).on('error', resolve));
      expect(refused.message).toMatch(/example\.com .* not loopback|ENOTFOUND|EAI_AGAIN/);
    } finally {
      await fixture.close();
    }
  });
});
