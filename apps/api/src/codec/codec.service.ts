import type { AppConfig } from '@flowmate/config';
import { PayloadCipherCodec, PayloadDecryptError } from '@flowmate/crypto';
import { BadRequestException, Injectable } from '@nestjs/common';
import type { Payload } from '@temporalio/common';
import { InjectConfig } from '../core/app-config.provider';
import type { JsonPayloadDto } from './codec.dto';

const fromBase64 = (text: string): Uint8Array => Buffer.from(text, 'base64');
const toBase64 = (bytes: Uint8Array | null | undefined): string => Buffer.from(bytes ?? new Uint8Array()).toString('base64');

const toPayload = ({ metadata, data }: JsonPayloadDto): Payload => ({
  metadata: Object.fromEntries(Object.entries(metadata).map(([key, value]) => [key, fromBase64(value)])),
  data: fromBase64(data ?? ''),
});

const toJson = ({ metadata, data }: Payload): JsonPayloadDto => ({
  metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([key, value]) => [key, toBase64(value)])),
  data: toBase64(data),
});

/** The Temporal Web UI's codec server protocol over FlowMate's payload codec. */
@Injectable()
export class CodecService {
  private readonly codec: PayloadCipherCodec;

  constructor(@InjectConfig() config: AppConfig) {
    this.codec = new PayloadCipherCodec(config.payloadKeys);
  }

  async decode(payloads: JsonPayloadDto[]): Promise<JsonPayloadDto[]> {
    try {
      return (await this.codec.decode(payloads.map(toPayload))).map(toJson);
    } catch (error) {
      if (error instanceof PayloadDecryptError) throw new BadRequestException(error.message);
      throw error;
    }
  }

  async encode(payloads: JsonPayloadDto[]): Promise<JsonPayloadDto[]> {
    return (await this.codec.encode(payloads.map(toPayload))).map(toJson);
  }
}
