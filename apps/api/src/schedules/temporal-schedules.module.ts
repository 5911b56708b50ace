import { Module } from '@nestjs/common';
import { TemporalSchedules } from './temporal-schedules';

/** Apart from the schedules module, so that deleting an agent can delete its schedule without a cycle. */
@Module({
  providers: [TemporalSchedules],
  exports: [TemporalSchedules],
})
export class TemporalSchedulesModule {}
