import type { CredentialCipher } from '@flowmate/crypto';
import type { SecretsRepository } from '@flowmate/db';

/** Decrypts the run owner's secrets a step names, for its call only. A missing one is left out (the template says which). */
export class SecretReader {
  constructor(
    private readonly secrets: SecretsRepository,
    private readonly cipher: CredentialCipher,
  ) {}

  async read(userId: string, names: readonly string[]): Promise<Record<string, string>> {
    const rows = await this.secrets.findNamed(userId, names);
    return Object.fromEntries(rows.map((row) => [row.name, this.cipher.decrypt(row.ciphertext, { rowId: row.id, userId })]));
  }
}
