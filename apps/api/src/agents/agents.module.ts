import { Module } from '@nestjs/common';
import { ModelsModule } from '../models/models.module';
import { TemporalSchedulesModule } from '../schedules/temporal-schedules.module';
import { AgentDefinitionPipe } from './agent-definition.pipe';
import { AgentsController } from './agents.controller';
import { credentialCipherProvider } from '../integrations/credential-cipher.provider';
import { AgentsService } from './agents.service';
import { DefinitionChecks } from './definition-checks';
import { TriggerAccess } from './trigger-access';
import { AgentVersionsController } from './versions/agent-versions.controller';
import { AgentVersionsService } from './versions/agent-versions.service';

@Module({
  imports: [ModelsModule, TemporalSchedulesModule],
  controllers: [AgentsController, AgentVersionsController],
  providers: [AgentsService, AgentVersionsService, TriggerAccess, DefinitionChecks, AgentDefinitionPipe, credentialCipherProvider],
  exports: [AgentsService, DefinitionChecks, AgentDefinitionPipe],
})
export class AgentsModule {}
