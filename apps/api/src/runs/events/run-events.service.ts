import { RunEventsRepository, RunsRepository } from '@flowmate/db';
import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import type { Response } from 'express';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuthUser } from '../../auth/auth-user';
import { RunEventsListener } from './run-events.listener';
import { streamRunEvents } from './run-events.stream';

const EVENT_ID = /^\d{1,18}$/;
/** A notification lost while the listener reconnects delays an event by at most this. */
const FALLBACK_POLL_MS = 5_000;
/** Proxies close idle connections; a comment line every so often keeps the stream open. */
const KEEP_ALIVE_MS = 15_000;

@Injectable()
export class RunEventsService {
  constructor(
    private readonly runs: RunsRepository,
    private readonly events: RunEventsRepository,
    private readonly listener: RunEventsListener,
  ) {}

  /** Streams the run's events after `lastEventId` as Server-Sent Events until the run's final event. */
  async stream(user: AuthUser, runId: string, lastEventId: string | undefined, response: Response): Promise<void> {
    if (lastEventId !== undefined && !EVENT_ID.test(lastEventId)) {
      throw new BadRequestException({ message: 'Request validation failed', details: [{ path: 'Last-Event-ID', message: 'must be the id of an event of this stream' }] });
    }
    if (!(await this.runs.findOwnedById(user.id, runId))) throw new NotFoundException('Run not found');

    response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    response.flushHeaders();
    const left = new AbortController();
    response.once('close', () => left.abort());
    const wakeUp = new WakeUp(left.signal);
    const unsubscribe = this.listener.subscribe(runId, () => wakeUp.wake());
    const keepAlive = setInterval(() => {
      if (!response.writableNeedDrain) response.write(': keep-alive\n\n');
    }, KEEP_ALIVE_MS);
    try {
      await streamRunEvents({
        runId,
        afterId: lastEventId ?? '0',
        events: this.events,
        sink: response,
        signal: left.signal,
        waitForMore: () => wakeUp.wait(FALLBACK_POLL_MS),
      });
    } finally {
      clearInterval(keepAlive);
      unsubscribe();
      response.end();
    }
  }
}

/** A wait that ends at a wake-up (also one that came while nothing waited), after `ms`, or when the client leaves. */
class WakeUp {
  private woken = false;
  private waiting?: AbortController;

  constructor(private readonly left: AbortSignal) {}

  wake(): void {
    this.woken = true;
    this.waiting?.abort();
  }

  async wait(ms: number): Promise<void> {
    if (!this.woken && !this.left.aborted) {
      this.waiting = new AbortController();
      await sleep(ms, undefined, { signal: AbortSignal.any([this.waiting.signal, this.left]) }).catch(() => undefined);
      this.waiting = undefined;
    }
    this.woken = false;
  }
}
