import { CronExpressionParser } from 'cron-parser';

const CRON_FIELDS = ['minute', 'hour', 'day of month', 'month', 'day of week'];
const NAMES = new Set(['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC', 'SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT']);

/**
 * The standard syntax only: numbers, month and day names, `*`, lists, ranges and steps. Extensions such
 * as `L`, `W`, `#` and `?` are refused, because Temporal and cron libraries read them differently (Temporal
 * takes `1#2`, "the second Monday", for every Monday).
 */
const isStandardToken = (token: string): boolean => token === '*' || /^\d+$/.test(token) || NAMES.has(token.toUpperCase());

/** Why `cron` is not a standard 5-field expression, or undefined when it is one. */
export function cronProblem(cron: string): string | undefined {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== CRON_FIELDS.length) return `must have 5 fields (${CRON_FIELDS.join(', ')}), not ${fields.length}`;
  const odd = fields.findIndex((field) => !field.split(/[,/-]/).every(isStandardToken));
  if (odd >= 0) return `${CRON_FIELDS[odd]} "${fields[odd]}" may hold only numbers, names, *, lists (,), ranges (-) and steps (/)`;
  try {
    CronExpressionParser.parse(cron, { strict: false });
    return undefined;
  } catch (error) {
    return `is not a valid cron expression: ${(error as Error).message}`;
  }
}

const isRestricted = (field: string): boolean => !field.startsWith('*');

/**
 * The times `cron` matches in `timezone` from `from` (exclusive) to `to` (inclusive), at most `limit` of
 * them, read as Temporal reads it: with both day of month and day of week restricted, a day must match
 * both (classic cron takes either; `0 9 13 * 5` is Friday the 13th to Temporal).
 */
export function cronTimes(cron: string, timezone: string, { from, to }: { from: Date; to: Date }, limit: number): Date[] {
  const fields = cron.trim().split(/\s+/);
  const [, , dayOfMonth, , dayOfWeek] = fields;
  const both = isRestricted(dayOfMonth) && isRestricted(dayOfWeek);
  const weekdays = both ? new Set(CronExpressionParser.parse(cron).fields.dayOfWeek.values.map((day) => Number(day) % 7)) : undefined;
  const expression = CronExpressionParser.parse(both ? [...fields.slice(0, 4), '*'].join(' ') : cron, { tz: timezone, currentDate: from, endDate: to });
  const times: Date[] = [];
  while (times.length < limit && expression.hasNext()) {
    const time = expression.next();
    if (!weekdays || weekdays.has(time.getDay())) times.push(time.toDate());
  }
  return times;
}
