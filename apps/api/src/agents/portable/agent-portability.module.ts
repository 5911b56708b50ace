import { Module } from '@nestjs/common';
import { SchedulesModule } from '../../schedules/schedules.module';
import { AgentsModule } from '../agents.module';
import { AgentPortabilityController } from './agent-portability.controller';
import { AgentPortabilityService } from './agent-portability.service';

/** Apart from the agents module: an import creates a schedule, and the schedules module depends on agents. */
@Module({
  imports: [AgentsModule, SchedulesModule],
  controllers: [AgentPortabilityController],
  providers: [AgentPortabilityService],
})
export class AgentPortabilityModule {}
