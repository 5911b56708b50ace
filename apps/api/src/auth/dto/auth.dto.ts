import { USER_ROLES, USER_TIERS, type UserRole, type UserTier } from '@flowmate/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsString, Length, MaxLength } from 'class-validator';

export class RequestMagicLinkDto {
  @ApiProperty({ example: 'ada@example.com' })
  @IsEmail()
  @MaxLength(254)
  email!: string;
}

export class VerifyMagicLinkDto {
  @ApiProperty()
  @IsString()
  @Length(20, 200)
  token!: string;
}

export class RefreshDto {
  @ApiProperty()
  @IsString()
  @Length(20, 200)
  refreshToken!: string;
}

export class MagicLinkRequestedDto {
  @ApiProperty()
  message!: string;

  @ApiPropertyOptional({ description: 'Only when AUTH_MAGIC_LINK_DELIVERY=response (development)' })
  magicLinkToken?: string;
}

export class UserDto {
  @ApiProperty() id!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ enum: USER_TIERS }) tier!: UserTier;
  @ApiProperty({ enum: USER_ROLES }) role!: UserRole;
}

export class TokensDto {
  @ApiProperty() accessToken!: string;
  @ApiProperty() refreshToken!: string;
  @ApiProperty({ description: 'Seconds until the access token expires' }) expiresIn!: number;
}

export class SessionDto extends TokensDto {
  @ApiProperty({ type: UserDto }) user!: UserDto;
}
