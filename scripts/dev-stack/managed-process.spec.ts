import { describeExit, startManagedProcess } from './managed-process';

const node = (script: string) => ({ command: process.execPath, args: ['-e', script] });

/** A long-running process that says when its signal handler is in place: a loaded machine may take longer to start it than any fixed wait. */
async function startWithHandler(name: string, handler: string) {
  let ready: () => void = () => undefined;
  const installed = new Promise<void>((resolve) => (ready = resolve));
  const sut = await startManagedProcess({ name, ...node(`${handler}; console.log('ready'); setInterval(() => {}, 1000)`), onLine: (line) => line === 'ready' && ready() });
  await installed;
  return sut;
}

describe(startManagedProcess.name, () => {
  it('hands over each output line with its stream and reports the exit code', async () => {
    const lines: Array<[string, string]> = [];

    const sut = await startManagedProcess({
      name: 'printer',
      ...node("console.log('one\\ntwo'); console.error('oops'); process.exitCode = 3"),
      onLine: (line, stream) => lines.push([stream, line]),
    });

    expect(await sut.exited).toEqual({ code: 3, signal: null });
    expect(lines).toEqual(expect.arrayContaining([['stdout', 'one'], ['stdout', 'two'], ['stderr', 'oops']]));
  });

  it('asks politely first', async () => {
    const sut = await startWithHandler('polite', "process.on('SIGTERM', () => process.exit(0))");

    expect(await sut.stop(5_000)).toEqual({ code: 0, signal: null });
  });

  it('forces a process that ignores the graceful signal once the grace period is over', async () => {
    const sut = await startWithHandler('stubborn', "process.on('SIGTERM', () => {})");

    const exit = await sut.stop(300);

    expect(exit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(describeExit(exit)).toBe('was killed by SIGKILL');
  });

  it('names the process it could not start', async () => {
    await expect(startManagedProcess({ name: 'ghost', command: '/nonexistent/ghost', args: [] })).rejects.toThrow(
      'Could not start ghost (/nonexistent/ghost)',
    );
  });
});
