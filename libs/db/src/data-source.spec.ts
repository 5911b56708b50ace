import { createServer, type Server, type Socket } from 'node:net';
import { adminDatabaseUrl } from '../../../test/support/database-url';
import { createDataSource } from './data-source';

describe(createDataSource.name, () => {
  it('cancels a statement that runs past the statement timeout, freeing its connection', async () => {
    const sut = await createDataSource({ url: adminDatabaseUrl(), poolSize: 1, statementTimeoutMs: 200 }).initialize();
    try {
      await expect(sut.query('SELECT pg_sleep(5)')).rejects.toThrow(/statement timeout/);
      await expect(sut.query('SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
    } finally {
      await sut.destroy();
    }
  });

  describe('against a server that accepts connections and never answers', () => {
    let silent: Server;
    const sockets: Socket[] = [];

    beforeAll(async () => {
      silent = createServer((socket) => void sockets.push(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    });

    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });

    it('gives up connecting after the connect timeout instead of hanging', async () => {
      const { port } = silent.address() as { port: number };
      const sut = createDataSource({ url: `postgres://flowmate@127.0.0.1:${port}/flowmate`, connectTimeoutMs: 300 });
      const started = Date.now();

      await expect(sut.initialize()).rejects.toThrow(/timeout/i);
      expect(Date.now() - started).toBeLessThan(5_000);
    });
  });
});
