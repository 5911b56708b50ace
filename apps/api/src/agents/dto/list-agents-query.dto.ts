import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../common/page-query.dto';

const QUERY_BOOLEANS: Record<string, boolean> = { true: true, false: false };

export class ListAgentsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'List the trash instead: agents deleted and not yet purged', default: false })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && value in QUERY_BOOLEANS ? QUERY_BOOLEANS[value] : value))
  @IsBoolean({ message: 'must be true or false' })
  deleted = false;
}
