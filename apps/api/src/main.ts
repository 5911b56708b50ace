import 'reflect-metadata';
import { loadConfig } from '@flowmate/config';
import { createApiApp } from './create-api-app';

async function main(): Promise<void> {
  const config = loadConfig('api');
  const app = await createApiApp(config);
  try {
    await app.listen(config.api.port, config.api.host);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    throw new Error(`port ${config.api.port} is already in use (set PORT)`);
  }
}

main().catch((error: Error) => {
  process.stderr.write(`api failed to start: ${error.message}\n`);
  process.exit(1);
});
