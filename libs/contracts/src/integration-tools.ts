import type { JsonSchema } from './tools';

/** The SaaS providers a user connects (`PUT /integrations/:provider`); Gmail and Calendar share `google`. */
export const INTEGRATION_PROVIDERS = ['github', 'google', 'slack', 'x', 'instagram'] as const;
export type IntegrationProvider = (typeof INTEGRATION_PROVIDERS)[number];

export const isIntegrationProvider = (name: string): name is IntegrationProvider => (INTEGRATION_PROVIDERS as readonly string[]).includes(name);

export const INTEGRATION_TOOL_NAMES = [
  'github.listRepositories',
  'github.listPullRequests',
  'github.listIssues',
  'github.createIssue',
  'github.createIssueComment',
  'github.getFileContents',
  'gmail.searchMessages',
  'gmail.sendMessage',
  'calendar.listEvents',
  'calendar.createEvent',
  'slack.postMessage',
  'slack.listChannels',
  'x.createPost',
  'instagram.publishImage',
] as const;
export type IntegrationToolName = (typeof INTEGRATION_TOOL_NAMES)[number];

/** Lists follow pagination up to `maxResults`. */
export const MAX_RESULTS = { default: 50, max: 500 } as const;

export interface IntegrationToolDescriptor {
  name: IntegrationToolName;
  provider: IntegrationProvider;
  description: string;
  sideEffects: boolean;
  argsSchema: JsonSchema;
}

const text = (maxLength: number, minLength = 1): JsonSchema => ({ type: 'string', minLength, maxLength });
const maxResults: JsonSchema = { type: 'integer', minimum: 1, maximum: MAX_RESULTS.max };
const ownerAndRepo = { owner: text(100), repo: text(100) };
const dateTime: JsonSchema = { type: 'string', minLength: 10, maxLength: 40, description: 'RFC 3339, e.g. 2026-11-22T09:00:00Z' };

const schema = (required: string[], properties: Record<string, JsonSchema>): JsonSchema => ({ type: 'object', additionalProperties: false, required, properties });

const tool = (
  name: IntegrationToolName,
  provider: IntegrationProvider,
  sideEffects: boolean,
  description: string,
  argsSchema: JsonSchema,
): [IntegrationToolName, IntegrationToolDescriptor] => [name, { name, provider, sideEffects, description, argsSchema }];

export const INTEGRATION_TOOLS = Object.fromEntries([
  tool('github.listRepositories', 'github', false, 'Repositories the connected GitHub account can access: {items: [{name, fullName, private, url}]}.', schema([], { maxResults })),
  tool(
    'github.listPullRequests',
    'github',
    false,
    'Pull requests of a repository: {items: [{number, title, url, author, state, draft, createdAt}]}.',
    schema(['owner', 'repo'], { ...ownerAndRepo, state: { type: 'string', enum: ['open', 'closed', 'all'] }, maxResults }),
  ),
  tool(
    'github.listIssues',
    'github',
    false,
    'Issues of a repository (pull requests excluded): {items: [{number, title, url, author, state, labels, createdAt, comments}]}.',
    schema(['owner', 'repo'], { ...ownerAndRepo, state: { type: 'string', enum: ['open', 'closed', 'all'] }, labels: { type: 'array', items: text(100), maxItems: 20 }, maxResults }),
  ),
  tool(
    'github.createIssue',
    'github',
    true,
    'Open an issue: {number, url}.',
    schema(['owner', 'repo', 'title'], { ...ownerAndRepo, title: text(256), body: text(65_536, 0), labels: { type: 'array', items: text(100), maxItems: 20 } }),
  ),
  tool('github.createIssueComment', 'github', true, 'Comment on an issue or pull request: {id, url}.', schema(['owner', 'repo', 'issueNumber', 'body'], { ...ownerAndRepo, issueNumber: { type: 'integer', minimum: 1 }, body: text(65_536) })),
  tool('github.getFileContents', 'github', false, 'A text file of a repository: {path, sha, text}.', schema(['owner', 'repo', 'path'], { ...ownerAndRepo, path: text(1000), ref: text(250) })),
  tool(
    'gmail.searchMessages',
    'google',
    false,
    'Gmail messages matching a Gmail search query: {items: [{id, threadId, subject, from, date, snippet}]}.',
    schema(['query'], { query: text(1000, 0), maxResults }),
  ),
  tool('gmail.sendMessage', 'google', true, 'Send a plain-text e-mail from the connected Gmail account: {id}.', schema(['to', 'subject', 'body'], { to: text(1000), subject: text(998, 0), body: text(100_000, 0) })),
  tool(
    'calendar.listEvents',
    'google',
    false,
    'Events of a Google Calendar (default: primary), in start order: {items: [{id, summary, start, end, url, attendees}]}. withinHours: from now to that many hours ahead, instead of timeMin/timeMax.',
    schema([], { calendarId: text(200), timeMin: dateTime, timeMax: dateTime, withinHours: { type: 'integer', minimum: 1, maximum: 24 * 31 }, maxResults }),
  ),
  tool(
    'calendar.createEvent',
    'google',
    true,
    'Create a Google Calendar event (default calendar: primary): {id, htmlLink}.',
    schema(['summary', 'start', 'end'], { calendarId: text(200), summary: text(1000), start: dateTime, end: dateTime, attendees: { type: 'array', items: text(320), maxItems: 100 } }),
  ),
  tool('slack.postMessage', 'slack', true, 'Post to a Slack channel (#name or id): {channel, ts}.', schema(['channel', 'text'], { channel: text(200), text: text(40_000), blocks: { type: 'array', maxItems: 50 } })),
  tool('slack.listChannels', 'slack', false, 'Slack channels of the connected workspace: {items: [{id, name, private, members}]}.', schema([], { maxResults })),
  tool('x.createPost', 'x', true, 'Publish a post on X: {id}.', schema(['text'], { text: text(280) })),
  tool('instagram.publishImage', 'instagram', true, 'Publish an image (a public URL) on the connected Instagram account: {id}.', schema(['imageUrl'], { imageUrl: text(2048), caption: text(2200, 0) })),
]) as Record<IntegrationToolName, IntegrationToolDescriptor>;
