import { FINAL_RUN_EVENT } from '@flowmate/contracts';
import type { RunEventsRepository, StoredRunEvent } from '@flowmate/db';
import { once, type EventEmitter } from 'node:events';

/** An event id as a client may send it back (Last-Event-ID): the bigserial's digits. */
export const EVENT_ID = /^\d{1,18}$/;

/** Rows read at a time: the stream holds at most one page, whatever the log's length or the reader's pace. */
export const EVENTS_PAGE_SIZE = 100;

/** The response, as far as the stream needs it. */
export interface EventSink extends EventEmitter {
  write(chunk: string): boolean;
  readonly writableNeedDrain: boolean;
}

export interface RunEventsStreamOptions {
  runId: string;
  /** Events after this id are sent; '0' sends the whole log. */
  afterId: string;
  events: Pick<RunEventsRepository, 'listAfter'>;
  sink: EventSink;
  /** Resolves when more events may exist: a notification, the fallback poll, or the client leaving. */
  waitForMore: () => Promise<void>;
  /** Aborted when the client disconnects or the API shuts down. */
  signal: AbortSignal;
}

/** One event in the SSE wire format. */
export const formatEvent = (event: StoredRunEvent): string => `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;

/**
 * Writes a run's events after `afterId`, in id order, and returns after the run's final event. Reads a
 * page only when the client has taken the last one (`drain`), so a slow reader costs one page of memory,
 * never the log.
 */
export async function streamRunEvents({ runId, afterId, events, sink, waitForMore, signal }: RunEventsStreamOptions): Promise<void> {
  let cursor = afterId;
  while (!signal.aborted) {
    const page = await events.listAfter(runId, cursor, EVENTS_PAGE_SIZE);
    for (const event of page) {
      cursor = event.id;
      if (!sink.write(formatEvent(event))) await drained(sink, signal);
      if (event.type === FINAL_RUN_EVENT || signal.aborted) return;
    }
    if (page.length < EVENTS_PAGE_SIZE) await waitForMore();
  }
}

async function drained(sink: EventSink, signal: AbortSignal): Promise<void> {
  try {
    await once(sink, 'drain', { signal });
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}
