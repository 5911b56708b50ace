import { createServer } from 'node:net';

/**
 * Fails with a message naming the port and what needs it, e.g. `assertPortFree(3000, 'API, set PORT')`.
 * Binds the wildcard address, as the services do, so a listener on any local address counts as taken.
 */
export async function assertPortFree(port: number, what: string): Promise<void> {
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port }, resolve);
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new Error(`Port ${port} (${what}) is already in use`);
    if (code === 'EACCES') throw new Error(`Port ${port} (${what}) needs privileges this user does not have`);
    throw new Error(`Port ${port} (${what}) cannot be used: ${(error as Error).message}`);
  }
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A port that was free a moment ago, for a server started right after. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
