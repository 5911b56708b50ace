import { RunEventsRepository, RunsRepository } from '@flowmate/db';
import { BadRequestException, HttpStatus, Injectable, Logger, NotFoundException, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Response } from 'express';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuthUser } from '../../auth/auth-user';
import { RunEventsListener } from './run-events.listener';
import { EVENT_ID, streamRunEvents } from './run-events.stream';

/** A notification lost while the listener reconnects delays an event by at most this. */
const FALLBACK_POLL_MS = 5_000;
/** Proxies close idle connections; a comment line every so often keeps the stream open. */
const KEEP_ALIVE_MS = 15_000;

@Injectable()
export class RunEventsService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(RunEventsService.name);
  /** Nest closes the HTTP server after this hook, and the server waits for open responses: streams end first. */
  private readonly shuttingDown = new AbortController();

  constructor(
    private readonly runs: RunsRepository,
    private readonly events: RunEventsRepository,
    private readonly listener: RunEventsListener,
  ) {}

  beforeApplicationShutdown(): void {
    this.shuttingDown.abort();
  }

  /** Streams the run's events after `lastEventId` as Server-Sent Events until the run's final event. */
  async stream(user: AuthUser, runId: string, lastEventId: string | undefined, response: Response): Promise<void> {
    if (lastEventId !== undefined && !EVENT_ID.test(lastEventId)) {
      throw new BadRequestException({ message: 'Request validation failed', details: [{ path: 'Last-Event-ID', message: 'must be the id of an event of this stream' }] });
    }
    if (!(await this.runs.findOwnedById(user.id, runId))) throw new NotFoundException('Run not found');
    const afterId = lastEventId ?? '0';
    if (await this.hasFinalEvent(runId, afterId)) {
      response.status(HttpStatus.NO_CONTENT).end();
      return;
    }

    response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    response.flushHeaders();
    const left = new AbortController();
    response.once('close', () => left.abort());
    const stop = AbortSignal.any([left.signal, this.shuttingDown.signal]);
    const wakeUp = new WakeUp(stop);
    const unsubscribe = this.listener.subscribe(runId, () => wakeUp.wake());
    const keepAlive = setInterval(() => {
      if (!response.writableNeedDrain) response.write(': keep-alive\n\n');
    }, KEEP_ALIVE_MS);
    try {
      await streamRunEvents({
        runId,
        afterId,
        events: this.events,
        sink: response,
        signal: stop,
        waitForMore: () => wakeUp.wait(FALLBACK_POLL_MS),
      });
    } catch (error) {
      // The status line is sent, so no error body can follow: the client reconnects with its Last-Event-ID.
      this.logger.error({ err: error, runId }, 'run events stream failed');
    } finally {
      clearInterval(keepAlive);
      unsubscribe();
      response.end();
    }
  }

  /** A client that already has the final event gets 204, which tells EventSource to stop reconnecting. */
  private async hasFinalEvent(runId: string, afterId: string): Promise<boolean> {
    const finalId = await this.events.finalEventId(runId);
    return finalId !== null && BigInt(afterId) >= BigInt(finalId);
  }
}

/** A wait that ends at a wake-up (also one that came while nothing waited), after `ms`, or when the stream stops. */
class WakeUp {
  private woken = false;
  private waiting?: AbortController;

  constructor(private readonly stopped: AbortSignal) {}

  wake(): void {
    this.woken = true;
    this.waiting?.abort();
  }

  async wait(ms: number): Promise<void> {
    if (!this.woken && !this.stopped.aborted) {
      this.waiting = new AbortController();
      await sleep(ms, undefined, { signal: AbortSignal.any([this.waiting.signal, this.stopped]) }).catch(() => undefined);
      this.waiting = undefined;
    }
    this.woken = false;
  }
}
