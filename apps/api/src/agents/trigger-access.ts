import type { AppConfig } from '@flowmate/config';
import type { AgentDefinition } from '@flowmate/contracts';
import type { ValidationProblem } from '@flowmate/contracts/validation';
import { CredentialCipher, openTokens } from '@flowmate/crypto';
import { CredentialsRepository } from '@flowmate/db';
import { canReadRepository } from '@flowmate/integrations';
import { BadRequestException, Injectable, ServiceUnavailableException } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user';
import { InjectConfig } from '../core/app-config.provider';

/**
 * A GitHub trigger delivers a repository's events to its agent's owner, so saving one checks, through
 * the owner's own GitHub connection, that the owner can read that repository: nobody receives events of a
 * repository they cannot see.
 */
@Injectable()
export class TriggerAccess {
  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly credentials: CredentialsRepository,
    private readonly cipher: CredentialCipher,
  ) {}

  async check(user: AuthUser, definition: AgentDefinition): Promise<void> {
    const triggers = definition.triggers ?? [];
    if (triggers.length === 0) return;
    const token = await this.gitHubToken(user);
    const problems: ValidationProblem[] = [];
    for (const [index, trigger] of triggers.entries()) {
      const path = `triggers[${index}].repository`;
      if (!token) problems.push({ path, message: 'needs your GitHub connection (PUT /api/v1/integrations/github) to check that you can read the repository' });
      else if (!(await this.readable(token, trigger.repository))) problems.push({ path, message: `"${trigger.repository}" cannot be read through your GitHub connection` });
    }
    if (problems.length > 0) throw new BadRequestException({ message: 'Request validation failed', details: problems });
  }

  private async gitHubToken(user: AuthUser): Promise<string | undefined> {
    const row = await this.credentials.find(user.id, 'github');
    if (!row || row.needsReauth) return undefined;
    return openTokens(this.cipher, row.ciphertext, { rowId: row.id, userId: user.id }).accessToken;
  }

  private async readable(token: string, repository: string): Promise<boolean> {
    try {
      return await canReadRepository(this.config.integrations.endpoints.github, token, repository);
    } catch {
      throw new ServiceUnavailableException('GitHub could not be asked whether you can read the trigger’s repository; try again');
    }
  }
}
