import type { ApiKeyEntity } from '@flowmate/db';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'CI deploys' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ description: 'When the key stops working; never, without it', example: '2027-06-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string;
}

export class ApiKeyDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'The key’s first characters, to tell keys apart', example: 'fm_Xy3kQ9a' }) prefix!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) expiresAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'To the minute' }) lastUsedAt!: string | null;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({ description: 'Shown this once; send it as `Authorization: Bearer fm_…`', example: 'fm_Xy3kQ9a…' }) key!: string;
}

export const toApiKeyDto = ({ id, name, keyPrefix, createdAt, expiresAt, lastUsedAt }: ApiKeyEntity): ApiKeyDto => ({
  id,
  name,
  prefix: keyPrefix,
  createdAt: createdAt.toISOString(),
  expiresAt: expiresAt?.toISOString() ?? null,
  lastUsedAt: lastUsedAt?.toISOString() ?? null,
});
