import { Body, Controller, Headers, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../../auth/auth-user';
import type { RunStartedDto } from '../dto/run.dto';
import { RunsService } from '../runs.service';
import { RerunRunDto } from './rerun-run.dto';
import { StartsRuns } from '../../rate-limits/rate-limited';

@ApiTags('runs')
@ApiBearerAuth()
@Controller()
export class RunRerunsController {
  constructor(private readonly runs: RunsService) {}

  @StartsRuns()
  @Post('runs/:id/rerun')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Same key, same run' })
  rerun(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: RerunRunDto,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<RunStartedDto> {
    return this.runs.rerun(user, id, dto, idempotencyKey);
  }
}
