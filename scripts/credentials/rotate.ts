import type { CredentialCipher } from '@flowmate/crypto';
import type { CredentialsRepository, Sealed, SecretsRepository } from '@flowmate/db';

const BATCH = 100;

interface StoredRow extends Sealed {
  id: string;
  userId: string;
}

interface RewrappableTable {
  listNotUnderKey(currentKeyId: string, limit: number): Promise<StoredRow[]>;
  rewrap(id: string, from: Sealed, to: Sealed): Promise<boolean>;
}

export interface RotationReport {
  connections: number;
  secrets: number;
}

/**
 * Re-encrypts every stored connection and secret under the current key. Each row is rewritten only if it still
 * holds the ciphertext read (a token refreshed meanwhile is already under the current key), so rotation can
 * run beside a live worker; rows under an old key keep working until their turn comes.
 */
export async function rotateCredentials(cipher: CredentialCipher, currentKeyId: string, tables: { credentials: CredentialsRepository; secrets: SecretsRepository }): Promise<RotationReport> {
  return {
    connections: await rotateTable(cipher, currentKeyId, tables.credentials),
    secrets: await rotateTable(cipher, currentKeyId, tables.secrets),
  };
}

async function rotateTable(cipher: CredentialCipher, currentKeyId: string, table: RewrappableTable): Promise<number> {
  let rewrapped = 0;
  for (;;) {
    const rows = await table.listNotUnderKey(currentKeyId, BATCH);
    let progressed = false;
    for (const row of rows) {
      const ciphertext = cipher.rewrap(row.ciphertext, { rowId: row.id, userId: row.userId });
      if (await table.rewrap(row.id, row, { ciphertext, keyId: currentKeyId })) rewrapped += 1;
      progressed = true;
    }
    if (!progressed) return rewrapped;
  }
}
