import type { AppConfig } from '@flowmate/config';
import { isJsonObject, type JsonValue } from '@flowmate/contracts';
import { AgentsRepository, WebhookDeliveriesRepository, type AgentEntity } from '@flowmate/db';
import { BadRequestException, ConflictException, Injectable, Logger, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { InjectConfig } from '../core/app-config.provider';
import { RunsService } from '../runs/runs.service';
import { gitHubEventInput, triggerMatches } from './github-event';

export interface GitHubDelivery {
  event: string | undefined;
  deliveryId: string | undefined;
  signature: string | undefined;
  rawBody: Buffer | undefined;
  payload: JsonValue;
}

export class StartedRunRefDto {
  @ApiProperty({ format: 'uuid' }) runId!: string;
}

export class WebhookAnswer {
  @ApiProperty({ type: [StartedRunRefDto], description: 'The runs this delivery started; for a redelivery, the runs its first delivery started' })
  runs!: StartedRunRefDto[];
}

/**
 * GitHub deliveries: verified by their HMAC, taken once per delivery id, and turned into one run per agent
 * whose trigger names the event and the repository (each agent's owner could read that repository when
 * the trigger was saved).
 */
@Injectable()
export class WebhooksService {
  private readonly logger = new Logger(WebhooksService.name);

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly agents: AgentsRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly runs: RunsService,
  ) {}

  async receiveGitHub(delivery: GitHubDelivery): Promise<WebhookAnswer> {
    this.verify(delivery);
    const { event, deliveryId, payload } = delivery;
    if (!event || !deliveryId || !isJsonObject(payload)) {
      throw new BadRequestException({
        message: 'Request validation failed',
        details: [
          ...(event ? [] : [{ path: 'X-GitHub-Event', message: 'is required' }]),
          ...(deliveryId ? [] : [{ path: 'X-GitHub-Delivery', message: 'is required' }]),
          ...(isJsonObject(payload) ? [] : [{ path: '', message: 'must be a JSON object' }]),
        ],
      });
    }
    const claim = await this.deliveries.claim(deliveryId, 'github', event);
    if (!claim.first) return { runs: claim.runIds.map((runId) => ({ runId })) };

    const input = gitHubEventInput(event, payload);
    const repository = typeof input.repository === 'string' ? input.repository : undefined;
    const agents = repository ? (await this.agents.findWithGitHubTrigger(repository)).filter((agent) => this.triggeredBy(agent, repository, event, input.action as string | null)) : [];
    const runIds: string[] = [];
    try {
      for (const agent of agents) {
        const runId = await this.start(agent, input, deliveryId);
        if (runId) runIds.push(runId);
      }
    } catch (error) {
      // Temporal is unreachable: the sender's redelivery starts what this one could not, the rest by idempotency key.
      await this.deliveries.release(deliveryId);
      throw error;
    }
    await this.deliveries.recordRuns(deliveryId, runIds);
    return { runs: runIds.map((runId) => ({ runId })) };
  }

  private verify({ signature, rawBody }: GitHubDelivery): void {
    const secret = this.config.integrations.githubWebhookSecret;
    if (!secret) throw new ServiceUnavailableException('GitHub webhooks are not configured on this server (GITHUB_WEBHOOK_SECRET)');
    const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(rawBody ?? Buffer.alloc(0)).digest('hex')}`);
    const given = Buffer.from(signature ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new UnauthorizedException('The X-Hub-Signature-256 of this delivery is missing or wrong');
  }

  private triggeredBy(agent: AgentEntity, repository: string, event: string, action: string | null): boolean {
    return (agent.definition.triggers ?? []).some(
      (trigger) => trigger.type === 'github' && trigger.repository.toLowerCase() === repository.toLowerCase() && triggerMatches(trigger.events, event, action),
    );
  }

  /** An agent whose concurrency policy refuses the run starts nothing; the others still start. */
  private async start(agent: AgentEntity, input: ReturnType<typeof gitHubEventInput>, deliveryId: string): Promise<string | undefined> {
    try {
      return (await this.runs.startTriggered(agent, 'webhook', input, `github:${deliveryId}:${agent.id}`)).runId;
    } catch (error) {
      if (!(error instanceof ConflictException)) throw error;
      this.logger.warn({ agentId: agent.id, deliveryId }, 'a webhook run was refused by its agent’s concurrency policy');
      return undefined;
    }
  }
}
