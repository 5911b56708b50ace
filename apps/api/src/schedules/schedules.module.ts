import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { ScheduleReconciler } from './schedule-reconciler';
import { SchedulesController } from './schedules.controller';
import { SchedulesService } from './schedules.service';
import { TemporalSchedulesModule } from './temporal-schedules.module';

@Module({
  imports: [AgentsModule, TemporalSchedulesModule],
  controllers: [SchedulesController],
  providers: [SchedulesService, ScheduleReconciler],
  exports: [SchedulesService],
})
export class SchedulesModule {}
