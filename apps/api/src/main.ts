import 'reflect-metadata';
import { loadConfig } from '@flowmate/config';
import { createApiApp } from './create-api-app';

async function main(): Promise<void> {
  const config = loadConfig('api');
  const app = await createApiApp(config);
  await app.listen(config.api.port, config.api.host);
}

main().catch((error: Error & { code?: string }) => {
  const reason = error.code === 'EADDRINUSE' ? `port ${process.env.PORT ?? 3000} is already in use (set PORT)` : error.message;
  process.stderr.write(`api failed to start: ${reason}\n`);
  process.exit(1);
});
