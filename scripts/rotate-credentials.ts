// `npm run credentials:rotate`: moves every stored connection and secret to CREDENTIALS_CURRENT_KEY_ID.
import { loadConfig } from '@flowmate/config';
import { CredentialCipher } from '@flowmate/crypto';
import { createDataSource, CredentialsRepository, SecretsRepository } from '@flowmate/db';
import { rotateCredentials } from './credentials/rotate';

async function main(): Promise<void> {
  const config = loadConfig('worker');
  const db = await createDataSource(config.database).initialize();
  try {
    const report = await rotateCredentials(new CredentialCipher(config.credentials), config.credentials.currentKeyId, {
      credentials: new CredentialsRepository(db),
      secrets: new SecretsRepository(db),
    });
    console.log(`re-encrypted under key "${config.credentials.currentKeyId}": ${report.connections} connections, ${report.secrets} secrets`);
  } finally {
    await db.destroy();
  }
}

main().catch((error: Error) => {
  console.error(`credential rotation failed: ${error.message}`);
  process.exit(1);
});
