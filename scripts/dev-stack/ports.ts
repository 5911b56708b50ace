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

/**
 * Below Linux's ephemeral range (32768–60999), where the OS hands out the ports of every `listen(0)` and
 * outgoing connection: a port picked there could be taken by another server's internal listener (a
 * Temporal dev server opens several) before the one it was picked for binds it.
 */
const PICKED_PORTS = { from: 20_000, to: 32_000 };

/** A port that was free a moment ago, for a server started right after. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = PICKED_PORTS.from + Math.floor(Math.random() * (PICKED_PORTS.to - PICKED_PORTS.from));
    if (await bindsOnLoopback(port)) return port;
  }
}

function bindsOnLoopback(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
      .once('error', () => resolve(false))
      .listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
