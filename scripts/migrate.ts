// The migration Job's command (`node dist/scripts/migrate.js`): applies pending migrations, then exits.
import 'reflect-metadata';
import { loadConfig } from '@flowmate/config';
import { createDataSource, runMigrations } from '@flowmate/db';

async function main(): Promise<void> {
  // The worker's role checks the settings both processes share, without the API's sign-in ones.
  const config = loadConfig('worker');
  const db = await createDataSource(config.database).initialize();
  try {
    await runMigrations(db);
    console.log('database migrations applied');
  } finally {
    await db.destroy();
  }
}

main().catch((error: Error) => {
  console.error(`migrations failed: ${error.message}`);
  process.exit(1);
});
