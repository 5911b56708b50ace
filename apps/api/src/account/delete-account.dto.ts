import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class DeleteAccountDto {
  @ApiProperty({ description: 'Your e-mail address, to confirm that everything of yours is to be deleted' })
  @IsString()
  @MaxLength(320)
  confirm!: string;
}
