import { Module } from '@nestjs/common';
import { SchedulesModule } from '../../schedules/schedules.module';
import { AgentsModule } from '../agents.module';
import { AgentCreationController } from './agent-creation.controller';
import { AgentPortabilityService } from './agent-portability.service';
import { AgentTemplatesController } from './templates/agent-templates.controller';
import { AgentTemplatesService } from './templates/agent-templates.service';

/** Apart from the agents module: templates and imports create schedules, and the schedules module depends on agents. */
@Module({
  imports: [AgentsModule, SchedulesModule],
  controllers: [AgentCreationController, AgentTemplatesController],
  providers: [AgentPortabilityService, AgentTemplatesService],
})
export class AgentCreationModule {}
