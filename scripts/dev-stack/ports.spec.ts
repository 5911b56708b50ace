import { createServer, type Server } from 'node:net';
import { assertPortFree, freePort } from './ports';

describe(assertPortFree.name, () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(close));
  });

  async function listen(options: { host?: string; port?: number } = {}): Promise<number> {
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen({ port: options.port ?? 0, host: options.host }, resolve));
    return (server.address() as { port: number }).port;
  }

  it('names the port and what needed it when something listens on all addresses', async () => {
    const port = await listen();
    await expect(assertPortFree(port, 'API, set PORT')).rejects.toThrow(`Port ${port} (API, set PORT) is already in use`);
  });

  it('counts a listener on 127.0.0.1 only as taken', async () => {
    const port = await listen({ host: '127.0.0.1' });
    await expect(assertPortFree(port, 'Temporal gRPC, set TEMPORAL_PORT')).rejects.toThrow(
      `Port ${port} (Temporal gRPC, set TEMPORAL_PORT) is already in use`,
    );
  });

  it('passes a free port and leaves it free', async () => {
    const port = await listen();
    await close(servers.pop() as Server);

    await assertPortFree(port, 'API, set PORT');

    await expect(listen({ port })).resolves.toBe(port);
  });
});

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

describe(freePort.name, () => {
  it('picks a bindable port below the ephemeral range, where no listen(0) elsewhere can take it first', async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(20_000);
      expect(port).toBeLessThan(32_768);
      await expect(assertPortFree(port, 'picked')).resolves.toBeUndefined();
    }
  });
});
