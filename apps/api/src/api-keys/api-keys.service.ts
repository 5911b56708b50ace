import { API_KEY_PREFIX } from '@flowmate/contracts';
import { ApiKeysRepository } from '@flowmate/db';
import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user';
import { hashOpaqueToken, newOpaqueToken } from '../auth/opaque-token';
import { toApiKeyDto, type ApiKeyDto, type CreatedApiKeyDto, type CreateApiKeyDto } from './api-key.dto';

/** How much of a key is kept in the clear to tell keys apart: the prefix and 7 of its 43 random characters. */
const SHOWN_LENGTH = API_KEY_PREFIX.length + 7;

@Injectable()
export class ApiKeysService {
  constructor(private readonly apiKeys: ApiKeysRepository) {}

  async create(caller: AuthUser, { name, expiresAt }: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    const expiry = expiresAt === undefined ? null : new Date(expiresAt);
    if (expiry && expiry.getTime() <= Date.now()) {
      throw new BadRequestException({ message: 'Request validation failed', details: [{ path: 'expiresAt', message: 'expiresAt must be in the future' }] });
    }
    const key = `${API_KEY_PREFIX}${newOpaqueToken()}`;
    const stored = await this.apiKeys.create(caller.id, { name: name.trim(), keyHash: hashOpaqueToken(key), keyPrefix: key.slice(0, SHOWN_LENGTH), expiresAt: expiry });
    return { ...toApiKeyDto(stored), key };
  }

  async list(caller: AuthUser): Promise<ApiKeyDto[]> {
    return (await this.apiKeys.list(caller.id)).map(toApiKeyDto);
  }

  async revoke(caller: AuthUser, id: string): Promise<void> {
    if (!(await this.apiKeys.revoke(caller.id, id))) throw new NotFoundException('API key not found');
  }
}
