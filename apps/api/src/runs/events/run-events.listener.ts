import type { AppConfig } from '@flowmate/config';
import { RUN_EVENTS_CHANNEL } from '@flowmate/contracts';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import { InjectConfig } from '../../core/app-config.provider';

const RECONNECT_DELAY_MS = { first: 500, max: 10_000 };

/**
 * One Postgres connection per API process that LISTENs on the run events channel and wakes the open
 * streams of the run each notification names. Streams also poll slowly on their own, so a notification
 * lost while this connection was down delays an event, never loses it.
 */
@Injectable()
export class RunEventsListener implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RunEventsListener.name);
  private readonly waiting = new Map<string, Set<() => void>>();
  private client?: Client;
  private reconnectDelayMs = RECONNECT_DELAY_MS.first;
  private reconnectTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(@InjectConfig() private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    await this.client?.end().catch(() => undefined);
  }

  /** Calls `wake` on every event of the run until the returned function is called. */
  subscribe(runId: string, wake: () => void): () => void {
    const wakers = this.waiting.get(runId) ?? new Set();
    wakers.add(wake);
    this.waiting.set(runId, wakers);
    return () => {
      wakers.delete(wake);
      if (wakers.size === 0) this.waiting.delete(runId);
    };
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.config.database.url, connectionTimeoutMillis: this.config.database.connectTimeoutMs });
    client.on('notification', ({ payload }) => this.waiting.get(payload ?? '')?.forEach((wake) => wake()));
    client.on('error', (error) => this.reconnect(client, error));
    client.on('end', () => this.reconnect(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${RUN_EVENTS_CHANNEL}`);
      this.client = client;
      this.reconnectDelayMs = RECONNECT_DELAY_MS.first;
      // Notifications sent while no connection listened are lost: every stream looks now, not at its next poll.
      this.waiting.forEach((wakers) => wakers.forEach((wake) => wake()));
    } catch (error) {
      this.reconnect(client, error as Error);
    }
  }

  private reconnect(client: Client, error?: Error): void {
    if (this.closed || this.reconnectTimer || (this.client && this.client !== client)) return;
    this.client = undefined;
    this.logger.warn({ err: error }, `run events listener disconnected; reconnecting in ${this.reconnectDelayMs} ms`);
    client.removeAllListeners();
    client.end().catch(() => undefined);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect();
    }, this.reconnectDelayMs);
    this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, RECONNECT_DELAY_MS.max);
  }
}
