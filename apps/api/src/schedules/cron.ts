import { CronExpressionParser } from 'cron-parser';

const CRON_FIELDS = ['minute', 'hour', 'day of month', 'month', 'day of week'];

/** Why `cron` is not a standard 5-field expression, or undefined when it is one. */
export function cronProblem(cron: string): string | undefined {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== CRON_FIELDS.length) return `must have 5 fields (${CRON_FIELDS.join(', ')}), not ${fields.length}`;
  try {
    CronExpressionParser.parse(cron, { strict: false });
    return undefined;
  } catch (error) {
    return `is not a valid cron expression: ${(error as Error).message}`;
  }
}

/** The times `cron` matches in `timezone` from `from` (exclusive) to `to` (inclusive), at most `limit` of them. */
export function cronTimes(cron: string, timezone: string, { from, to }: { from: Date; to: Date }, limit: number): Date[] {
  const expression = CronExpressionParser.parse(cron, { tz: timezone, currentDate: from, endDate: to });
  const times: Date[] = [];
  while (times.length < limit && expression.hasNext()) times.push(expression.next().toDate());
  return times;
}
