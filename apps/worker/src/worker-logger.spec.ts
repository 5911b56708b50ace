import { Writable } from 'node:stream';
import { createWorkerLogger } from './worker-logger';

describe(createWorkerLogger.name, () => {
  const linesOf = (write: (log: ReturnType<typeof createWorkerLogger>) => void): Array<Record<string, unknown>> => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    write(createWorkerLogger({ logLevel: 'info' }, destination));
    return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  };

  it('writes fields named like credentials as [redacted], however deep, and keeps the rest', () => {
    const [line] = linesOf((log) =>
      log.info({ flowmateRunId: 'r1', headers: { Authorization: 'Bearer sk-live', accept: 'json' }, args: [{ apiKey: 'k-1', url: 'https://x' }], refresh_token: 't' }, 'tool call'),
    );

    expect(line).toMatchObject({
      msg: 'tool call',
      flowmateRunId: 'r1',
      headers: { Authorization: '[redacted]', accept: 'json' },
      args: [{ apiKey: '[redacted]', url: 'https://x' }],
      refresh_token: '[redacted]',
    });
    expect(JSON.stringify(line)).not.toMatch(/sk-live|k-1|"t"/);
  });

  it('leaves an error to pino’s serializer, message and stack included', () => {
    const [line] = linesOf((log) => log.warn({ err: new Error('connection refused') }, 'activity failed'));

    expect(line.err).toMatchObject({ type: 'Error', message: 'connection refused', stack: expect.stringContaining('connection refused') });
  });
});
