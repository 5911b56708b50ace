import { Body, Controller, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiSignedIn } from '../auth/api-security';
import { Public } from '../auth/auth-user';
import { ApiErrorResponses } from '../core/api-error-responses';
import { CodecAccessGuard } from './codec-access.guard';
import { CODEC_PATH } from './codec-cors';
import { PayloadsDto } from './codec.dto';
import { CodecService } from './codec.service';

/** The Temporal Web UI's remote codec (`--ui-codec-endpoint …/codec`): decrypted payloads for operators. */
@ApiTags('codec')
@ApiSignedIn()
@ApiErrorResponses(HttpStatus.BAD_REQUEST, HttpStatus.FORBIDDEN)
// Public to the global guard: this guard authenticates, and makes the one development exception.
@Public()
@UseGuards(CodecAccessGuard)
@Controller(CODEC_PATH)
export class CodecController {
  constructor(private readonly codec: CodecService) {}

  @Post('decode')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: PayloadsDto, description: 'The payloads decrypted, in the same order' })
  async decode(@Body() body: PayloadsDto): Promise<PayloadsDto> {
    return { payloads: await this.codec.decode(body.payloads) };
  }

  @Post('encode')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: PayloadsDto, description: 'The payloads encrypted, in the same order' })
  async encode(@Body() body: PayloadsDto): Promise<PayloadsDto> {
    return { payloads: await this.codec.encode(body.payloads) };
  }
}
