import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, isBase64, IsObject, IsOptional, ValidateBy, ValidateNested } from 'class-validator';

const isBase64Text = (value: unknown): boolean => typeof value === 'string' && (value === '' || isBase64(value));

/** A string of base64 (empty included), or an object whose values all are. */
const Base64 = ({ values }: { values: boolean }): PropertyDecorator =>
  ValidateBy({
    name: 'base64',
    validator: {
      validate: (value) => (values ? typeof value === 'object' && value !== null && Object.values(value).every(isBase64Text) : isBase64Text(value)),
      defaultMessage: () => (values ? 'every metadata value must be base64' : 'must be base64'),
    },
  });

/** A Temporal payload as the codec server protocol carries it: metadata values and data in base64. */
export class JsonPayloadDto {
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string', format: 'byte' }, example: { encoding: 'YmluYXJ5L2VuY3J5cHRlZA==' } })
  @IsObject()
  @Base64({ values: true })
  metadata!: Record<string, string>;

  @ApiProperty({ format: 'byte', required: false })
  @IsOptional()
  @Base64({ values: false })
  data?: string;
}

export class PayloadsDto {
  @ApiProperty({ type: [JsonPayloadDto] })
  @IsArray()
  @ArrayMaxSize(1_000)
  @ValidateNested({ each: true })
  @Type(() => JsonPayloadDto)
  payloads!: JsonPayloadDto[];
}
