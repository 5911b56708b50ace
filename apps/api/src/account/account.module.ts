import { Module } from '@nestjs/common';
import { RunsModule } from '../runs/runs.module';
import { TemporalSchedulesModule } from '../schedules/temporal-schedules.module';
import { AccountController } from './account.controller';
import { AccountService } from './account.service';

@Module({
  imports: [RunsModule, TemporalSchedulesModule],
  controllers: [AccountController],
  providers: [AccountService],
})
export class AccountModule {}
