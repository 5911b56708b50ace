import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { ApprovalsModule } from '../approvals/approvals.module';
import { RunCanceller } from './run-canceller';
import { RunLauncher } from './run-launcher';
import { RunsController } from './runs.controller';
import { RunsService } from './runs.service';

@Module({
  imports: [AgentsModule, ApprovalsModule],
  controllers: [RunsController],
  providers: [RunsService, RunLauncher, RunCanceller],
})
export class RunsModule {}
