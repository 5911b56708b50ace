import { Body, Controller, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/auth-user';
import { CodecAccessGuard } from './codec-access.guard';
import { CODEC_PATH } from './codec-cors';
import { PayloadsDto } from './codec.dto';
import { CodecService } from './codec.service';

/** The Temporal Web UI's remote codec (`--ui-codec-endpoint …/codec`): decrypted payloads for operators. */
@ApiTags('codec')
@ApiBearerAuth()
// Public to the global guard: this guard authenticates, and makes the one development exception.
@Public()
@UseGuards(CodecAccessGuard)
@Controller(CODEC_PATH)
export class CodecController {
  constructor(private readonly codec: CodecService) {}

  @Post('decode')
  @HttpCode(HttpStatus.OK)
  async decode(@Body() body: PayloadsDto): Promise<PayloadsDto> {
    return { payloads: await this.codec.decode(body.payloads) };
  }

  @Post('encode')
  @HttpCode(HttpStatus.OK)
  async encode(@Body() body: PayloadsDto): Promise<PayloadsDto> {
    return { payloads: await this.codec.encode(body.payloads) };
  }
}
