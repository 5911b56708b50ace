import { isJsonObject, type JsonObject, type JsonValue } from '@flowmate/contracts';

/**
 * The fields of a GitHub event a run gets as its `input`: who did what where, and the pull request or
 * issue it is about. Values are data; templates only ever read them, never parse them as templates.
 */
export function gitHubEventInput(event: string, payload: JsonObject): JsonObject {
  const action = typeof payload.action === 'string' ? payload.action : null;
  const subject = objectAt(payload, 'pull_request') ?? objectAt(payload, 'issue');
  return {
    event,
    action,
    repository: stringAt(objectAt(payload, 'repository'), 'full_name'),
    sender: stringAt(objectAt(payload, 'sender'), 'login'),
    ...(subject
      ? {
          number: typeof subject.number === 'number' ? subject.number : null,
          title: stringAt(subject, 'title'),
          url: stringAt(subject, 'html_url'),
          labels: Array.isArray(subject.labels) ? subject.labels.flatMap((label) => (isJsonObject(label) && typeof label.name === 'string' ? [label.name] : [])) : [],
        }
      : {}),
  };
}

/** Whether a trigger's event names this event: `pull_request` any action, `pull_request.opened` that one. */
export const triggerMatches = (events: readonly string[], event: string, action: string | null): boolean =>
  events.includes(event) || (action !== null && events.includes(`${event}.${action}`));

function objectAt(value: JsonObject | null, key: string): JsonObject | null {
  const found: JsonValue | undefined = value?.[key];
  return found !== undefined && isJsonObject(found) ? found : null;
}

function stringAt(value: JsonObject | null, key: string): string | null {
  const found = value?.[key];
  return typeof found === 'string' ? found : null;
}
