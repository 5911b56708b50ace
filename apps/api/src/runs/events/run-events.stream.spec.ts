import type { RunEventType } from '@flowmate/contracts';
import type { StoredRunEvent } from '@flowmate/db';
import { EventEmitter } from 'node:events';
import { EVENTS_PAGE_SIZE, formatEvent, streamRunEvents, type EventSink } from './run-events.stream';

const event = (id: number, type: RunEventType = 'step.started'): StoredRunEvent => ({ id: String(id), type, data: { id } });

/** A log of events in memory, read the way the repository reads Postgres. */
function logOf(events: StoredRunEvent[]) {
  const reads: string[] = [];
  return {
    reads,
    events,
    listAfter: async (_runId: string, afterId: string, limit: number) => {
      reads.push(afterId);
      return events.filter((each) => BigInt(each.id) > BigInt(afterId)).slice(0, limit);
    },
  };
}

/** A response whose client reads only when told: `write` reports a full buffer until `drain`. */
class SlowClient extends EventEmitter implements EventSink {
  readonly written: string[] = [];
  writableNeedDrain = false;

  write(chunk: string): boolean {
    this.written.push(chunk);
    this.writableNeedDrain = true;
    return false;
  }

  drain(): void {
    this.writableNeedDrain = false;
    this.emit('drain');
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe(streamRunEvents.name, () => {
  const sut = streamRunEvents;

  it('reads no further than the page a slow client has not taken yet', async () => {
    const log = logOf([...Array.from({ length: EVENTS_PAGE_SIZE * 3 }, (_, index) => event(index + 1)), event(EVENTS_PAGE_SIZE * 3 + 1, 'run.finished')]);
    const client = new SlowClient();

    const streaming = sut({ runId: 'run', afterId: '0', events: log, sink: client, waitForMore: async () => undefined, signal: new AbortController().signal });
    await tick();

    expect(log.reads).toEqual(['0']);
    expect(client.written).toEqual([formatEvent(event(1))]);
    for (let taken = 1; taken < EVENTS_PAGE_SIZE; taken += 1) {
      client.drain();
      await tick();
    }
    expect(log.reads).toEqual(['0']);
    client.drain();
    await tick();
    expect(log.reads).toEqual(['0', String(EVENTS_PAGE_SIZE)]);

    for (let taken = 0; taken <= EVENTS_PAGE_SIZE * 2; taken += 1) {
      client.drain();
      await tick();
    }
    await streaming;
    expect(client.written).toHaveLength(EVENTS_PAGE_SIZE * 3 + 1);
    expect(client.written.at(-1)).toBe(formatEvent(event(EVENTS_PAGE_SIZE * 3 + 1, 'run.finished')));
  });

  it('resumes after the given id and ends with the final event', async () => {
    const log = logOf([event(1, 'run.started'), event(2), event(3, 'run.finished')]);
    const written: string[] = [];
    const sink = Object.assign(new EventEmitter(), { writableNeedDrain: false, write: (chunk: string) => written.push(chunk) > 0 });

    await sut({ runId: 'run', afterId: '1', events: log, sink, waitForMore: async () => undefined, signal: new AbortController().signal });

    expect(written).toEqual([formatEvent(event(2)), formatEvent(event(3, 'run.finished'))]);
  });

  it('waits for more until the run ends', async () => {
    const log = logOf([event(1, 'run.started')]);
    const written: string[] = [];
    const sink = Object.assign(new EventEmitter(), { writableNeedDrain: false, write: (chunk: string) => written.push(chunk) > 0 });
    let waits = 0;
    const waitForMore = async () => {
      waits += 1;
      log.events.push(event(waits + 1, waits === 2 ? 'run.finished' : 'step.started'));
    };

    await sut({ runId: 'run', afterId: '0', events: log, sink, waitForMore, signal: new AbortController().signal });
    expect(written.map((chunk) => chunk.split('\n')[0])).toEqual(['id: 1', 'id: 2', 'id: 3']);
  });

  it('stops when the client leaves while it waits for the client to read', async () => {
    const log = logOf([event(1), event(2)]);
    const client = new SlowClient();
    const left = new AbortController();

    const streaming = sut({ runId: 'run', afterId: '0', events: log, sink: client, waitForMore: async () => undefined, signal: left.signal });
    await tick();
    left.abort();

    await expect(streaming).resolves.toBeUndefined();
    expect(client.written).toHaveLength(1);
  });
});
