import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { ApprovalsModule } from '../approvals/approvals.module';
import { RunEventsController } from './events/run-events.controller';
import { RunEventsListener } from './events/run-events.listener';
import { RunEventsService } from './events/run-events.service';
import { RunAdmission } from './run-admission';
import { RunCanceller } from './run-canceller';
import { RerunPlanner } from './rerun/rerun-planner';
import { RunRerunsController } from './rerun/run-reruns.controller';
import { RunLauncher } from './run-launcher';
import { RunStartRelay } from './run-start-relay';
import { StuckRuns } from './stuck-runs';
import { RunsController } from './runs.controller';
import { RunsService } from './runs.service';

@Module({
  imports: [AgentsModule, ApprovalsModule],
  controllers: [RunsController, RunEventsController, RunRerunsController],
  exports: [RunsService, RunCanceller],
  providers: [RunsService, RunLauncher, RunStartRelay, StuckRuns, RunCanceller, RunAdmission, RunEventsService, RunEventsListener, RerunPlanner],
})
export class RunsModule {}
