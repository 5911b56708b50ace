import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsISO8601, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

export class ConnectIntegrationDto {
  @ApiProperty({ description: 'Checked once with the provider, then stored encrypted; never returned' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  accessToken!: string;

  @ApiPropertyOptional({ description: 'Lets the worker refresh an expiring access token' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  refreshToken?: string;

  @ApiPropertyOptional({ example: '2026-12-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  scopes?: string[];
}

/** A connection as its owner sees it: who, what for, until when; never a token. */
export class IntegrationDto {
  @ApiProperty() provider!: string;
  @ApiProperty({ nullable: true, type: String }) account!: string | null;
  @ApiProperty({ type: [String] }) scopes!: string[];
  @ApiProperty() connectedAt!: string;
  @ApiProperty({ nullable: true, type: String }) expiresAt!: string | null;
  @ApiProperty({ description: 'The provider refused the token and its refresh: connect again' }) needsReauth!: boolean;
}

export class SecretValueDto {
  @ApiProperty({ description: 'Stored encrypted; never returned' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(10_000)
  value!: string;
}

export class SecretDto {
  @ApiProperty() name!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class AuthorizeUrlDto {
  @ApiProperty({ description: "The provider's consent page; its `state` is single-use, bound to the caller, valid 10 minutes" })
  url!: string;
}
