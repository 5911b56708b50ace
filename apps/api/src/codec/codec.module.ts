import { Module } from '@nestjs/common';
import { CodecAccessGuard } from './codec-access.guard';
import { CodecController } from './codec.controller';
import { CodecService } from './codec.service';

@Module({
  controllers: [CodecController],
  providers: [CodecService, CodecAccessGuard],
})
export class CodecModule {}
