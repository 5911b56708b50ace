import { setTimeout as sleep } from 'node:timers/promises';

/** Asks until `done` holds or the time is up; returns the last answer either way, so the assertion shows it. */
export async function pollUntil<T>(ask: () => Promise<T>, done: (answer: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let answer = await ask();
  while (!done(answer) && Date.now() < deadline) {
    await sleep(100);
    answer = await ask();
  }
  return answer;
}
