import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { RunLauncher } from './run-launcher';
import { RunsController } from './runs.controller';
import { RunsService } from './runs.service';

@Module({
  imports: [AgentsModule],
  controllers: [RunsController],
  providers: [RunsService, RunLauncher],
})
export class RunsModule {}
