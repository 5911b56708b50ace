import { SECRET_NAME_PATTERN } from '@flowmate/contracts';
import { CredentialCipher, seal } from '@flowmate/crypto';
import { SecretsRepository, type UserSecretEntity } from '@flowmate/db';
import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user';
import type { SecretDto } from './dto/integration.dto';

const toSecret = (row: UserSecretEntity): SecretDto => ({ name: row.name, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() });

/** Values a definition names as `{{secrets.<name>}}`: in encrypted, never out. */
@Injectable()
export class SecretsService {
  constructor(
    private readonly secrets: SecretsRepository,
    private readonly cipher: CredentialCipher,
  ) {}

  async put(user: AuthUser, name: string, value: string): Promise<SecretDto> {
    if (!SECRET_NAME_PATTERN.test(name)) {
      throw new BadRequestException({ message: 'Invalid secret name', details: [{ path: 'name', message: `must match ${SECRET_NAME_PATTERN.source}` }] });
    }
    return toSecret(await this.secrets.save(user.id, name, (rowId) => seal(this.cipher, value, { rowId, userId: user.id })));
  }

  async list(user: AuthUser): Promise<SecretDto[]> {
    return (await this.secrets.list(user.id)).map(toSecret);
  }

  async remove(user: AuthUser, name: string): Promise<void> {
    if (!(await this.secrets.remove(user.id, name))) throw new NotFoundException(`There is no secret "${name}"`);
  }
}
