export default async function globalTeardown(): Promise<void> {
  const stops = (globalThis as { __stopTestServers__?: Array<() => Promise<void>> }).__stopTestServers__ ?? [];
  await Promise.all(stops.map((stop) => stop()));
}
