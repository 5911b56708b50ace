import { downstreamOf, type AgentDefinition, type JsonValue, type MainAgentInput, type StepStatus } from '@flowmate/contracts';
import type { RunTarget } from '@flowmate/contracts/run-start';
import { AgentsRepository, RunsRepository, type AgentRunEntity, type AgentVersionEntity, type NewRun } from '@flowmate/db';
import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import type { RerunRunDto } from './rerun-run.dto';

/** A source micro agent in one of these states has an output a rerun can take as its own. */
const REUSABLE: readonly StepStatus[] = ['succeeded', 'reused'];

/** What a rerun begins: the new run's row, what its Idempotency-Key stands for, and the agent version it runs. */
export interface PlannedRerun {
  run: Omit<NewRun, 'idempotencyKey' | 'requestFingerprint'>;
  request: Record<string, JsonValue>;
  target: RunTarget;
}

/**
 * Turns a run and a rerun request into a new run of the same agent version: the source's input unless
 * another is given, and, with `from`, the micro agents outside `from` and its dependants that the source
 * finished taken from it instead of run again.
 */
@Injectable()
export class RerunPlanner {
  constructor(
    private readonly agents: AgentsRepository,
    private readonly runs: RunsRepository,
  ) {}

  async plan(source: AgentRunEntity, dto: RerunRunDto): Promise<PlannedRerun> {
    const { agentId, version, definition } = await this.versionOf(source);
    const reuse = dto.from ? await this.reuseBefore(source, version, definition, dto.from) : undefined;
    return {
      run: { userId: source.userId, agentId, agentVersion: version, trigger: 'manual', input: dto.input ?? source.input, rerunOf: source.id, reuse },
      request: { rerunOf: source.id, from: dto.from ?? null, input: dto.input ?? null },
      target: { agent: { id: agentId, name: definition.name, version, definition } },
    };
  }

  private async versionOf(source: AgentRunEntity): Promise<AgentVersionEntity> {
    // Its micro agents came from a plan over several agents, which a new delegation makes afresh.
    if (source.trigger === 'delegate') throw new ConflictException('A delegated run cannot be rerun; delegate its task again');
    if (source.agentId === null) throw new ConflictException("This run's agent was deleted, so the run cannot be rerun");
    if (!(await this.agents.findById(source.agentId))) throw new ConflictException("This run's agent is in the trash; restore it to rerun the run");
    const version = source.agentVersion === null ? null : await this.agents.findVersion(source.agentId, source.agentVersion);
    if (!version) throw new ConflictException(`Version ${source.agentVersion} of this run's agent is not stored, so the run cannot be rerun`);
    return version;
  }

  private async reuseBefore(source: AgentRunEntity, version: number, definition: AgentDefinition, from: string): Promise<MainAgentInput['reuse']> {
    const keys = definition.microAgents.map((microAgent) => microAgent.key);
    if (!keys.includes(from)) {
      throw new BadRequestException({
        message: 'Request validation failed',
        details: [{ path: 'from', message: `"${from}" is not a micro agent of version ${version} of this agent (${keys.join(', ')})` }],
      });
    }
    const runAgain = downstreamOf(definition.microAgents, from);
    const statuses = await this.runs.findMicroAgentStatuses(source.id);
    const reusable = (key: string): boolean => REUSABLE.some((status) => status === statuses.get(key));
    const microAgentKeys = keys.filter((key) => !runAgain.has(key) && reusable(key));
    return microAgentKeys.length > 0 ? { sourceRunId: source.id, microAgentKeys } : undefined;
  }
}
