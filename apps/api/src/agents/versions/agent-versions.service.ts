import { AgentsRepository, InvalidCursorError, type StoredVersion } from '@flowmate/db';
import { Injectable, NotFoundException } from '@nestjs/common';
import type { AuthUser } from '../../auth/auth-user';
import { withCursorCheck } from '../../common/invalid-cursor';
import type { PageDto, PageQueryDto } from '../../common/page-query.dto';
import { AgentsService } from '../agents.service';
import type { AgentResponseDto } from '../dto/agent-response.dto';
import type { AgentVersionDto, AgentVersionSummaryDto } from './agent-version.dto';
import { versionSummary } from './version-summary';

const VERSION_CURSOR = /^[1-9]\d{0,9}$/;

/** An agent's versions, newest first: read them, see what each changed, and restore one as a new version. */
@Injectable()
export class AgentVersionsService {
  constructor(
    private readonly agents: AgentsService,
    private readonly repository: AgentsRepository,
  ) {}

  async list(user: AuthUser, agentId: string, { limit, cursor }: PageQueryDto): Promise<PageDto<AgentVersionSummaryDto>> {
    await this.agents.findOwnedOrTrashed(user, agentId);
    return withCursorCheck(async () => {
      if (cursor !== undefined && !VERSION_CURSOR.test(cursor)) throw new InvalidCursorError('cursor is not one this API returned');
      // One more than the page: it is the predecessor the page's last version is summarised against.
      const rows = await this.repository.listVersions(agentId, { limit: limit + 1, beforeVersion: cursor === undefined ? undefined : Number(cursor) });
      const items = rows.slice(0, limit).map((row, index) => toSummary(row, rows[index + 1]));
      const last = items.at(-1);
      return { items, nextCursor: rows.length > limit && last ? String(last.version) : null };
    });
  }

  async get(user: AuthUser, agentId: string, version: number): Promise<AgentVersionDto> {
    await this.agents.findOwnedOrTrashed(user, agentId);
    const [row, previous] = await this.repository.listVersions(agentId, { limit: 2, beforeVersion: version + 1 });
    if (row?.version !== version) throw new NotFoundException(`This agent has no version ${version}`);
    return { ...toSummary(row, previous), definition: row.definition };
  }

  /** A new version equal to `version`, saved like any edit (its triggers checked again). */
  async restore(user: AuthUser, agentId: string, version: number): Promise<AgentResponseDto> {
    const { definition } = await this.get(user, agentId, version);
    return this.agents.replace(user, agentId, definition, { restoredFrom: version });
  }
}

function toSummary(row: StoredVersion, previous: StoredVersion | undefined): AgentVersionSummaryDto {
  const predecessor = previous?.version === row.version - 1 ? previous.definition : undefined;
  return {
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
    restoredFrom: row.restoredFrom,
    summary: versionSummary(row, predecessor),
  };
}
