import { Module } from '@nestjs/common';
import { ModelsModule } from '../../models/models.module';
import { SchedulesModule } from '../../schedules/schedules.module';
import { AgentsModule } from '../agents.module';
import { AgentPortabilityController } from './agent-portability.controller';
import { AgentPortabilityService } from './agent-portability.service';

/** Apart from the agents module: an import creates a schedule, and the schedules module depends on agents. */
@Module({
  imports: [AgentsModule, SchedulesModule, ModelsModule],
  controllers: [AgentPortabilityController],
  providers: [AgentPortabilityService],
})
export class AgentPortabilityModule {}
