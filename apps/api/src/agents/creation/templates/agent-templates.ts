import type { AgentDefinition, IntegrationProvider, JsonObject, MicroAgentDefinition, ToolName, ToolStep } from '@flowmate/contracts';

/** A ready-made agent: what it needs connected, the parameters it is created with, and what it becomes. */
export interface AgentTemplate {
  id: string;
  name: string;
  description: string;
  /** The integrations its owner must connect (`PUT /integrations/:provider`) before it can run. */
  connections: IntegrationProvider[];
  /** A JSON Schema of the `input` it is created with. */
  parameters: JsonObject;
  /** Created with it, paused, its runs' input being the parameters. */
  schedule?: { cron: string; timezone: string };
  build(parameters: JsonObject): AgentDefinition;
}

const step = (id: string, tool: ToolName, args: JsonObject): ToolStep => ({ id, tool, args });
const text = (description: string, extra: JsonObject = {}): JsonObject => ({ type: 'string', minLength: 1, maxLength: 200, description, ...extra });
const slackChannel = text('Slack channel to post to, #name or id', { pattern: '^\\S+$' });
const owner = text('Repository owner (user or organisation)', { pattern: '^[A-Za-z0-9-]+$' });
const repo = text('Repository name', { pattern: '^[A-Za-z0-9._-]+$' });

/** The micro agent that renders what `source` found and posts it to the run's `{{input.channel}}`. */
const postToSlack = (source: string, render: { template: string; data: JsonObject }): MicroAgentDefinition => ({
  key: 'post',
  dependsOn: [source],
  tools: ['text.render', 'slack.postMessage'],
  steps: [step('render', 'text.render', render), step('send', 'slack.postMessage', { channel: '{{input.channel}}', text: '{{steps.render.output.text}}' })],
});

/** Parameters that are also the input of every run: the template's agent declares them as its `inputSchema`. */
const objectOf = (properties: JsonObject, required: string[]): JsonObject => ({ type: 'object', properties, required, additionalProperties: false });

const prDigestParameters = objectOf({ owner, repo, channel: slackChannel }, ['owner', 'repo', 'channel']);
const inboxParameters = objectOf({ channel: slackChannel }, ['channel']);
const calendarParameters = objectOf({ channel: slackChannel }, ['channel']);
const responderParameters = objectOf({ owner, repo }, ['owner', 'repo']);

/** What a GitHub issue event brings as input (see webhooks.md). */
const issueEventInput = objectOf(
  {
    event: { type: 'string' },
    action: { type: ['string', 'null'] },
    repository: { type: ['string', 'null'] },
    sender: { type: ['string', 'null'] },
    number: { type: 'integer' },
    title: { type: ['string', 'null'] },
    url: { type: ['string', 'null'] },
    labels: { type: 'array', items: { type: 'string' } },
  },
  ['number'],
);

export const AGENT_TEMPLATES: readonly AgentTemplate[] = [
  {
    id: 'github-pr-digest-to-slack',
    name: 'Pull-request digest to Slack',
    description: 'Every weekday morning, posts the open pull requests of a GitHub repository to a Slack channel.',
    connections: ['github', 'slack'],
    parameters: prDigestParameters,
    schedule: { cron: '0 9 * * 1-5', timezone: 'UTC' },
    build: () => ({
      name: 'Pull-request digest',
      description: 'Posts the open pull requests of a repository to a Slack channel',
      inputSchema: prDigestParameters,
      microAgents: [
        { key: 'pulls', tools: ['github.listPullRequests'], steps: [step('list', 'github.listPullRequests', { owner: '{{input.owner}}', repo: '{{input.repo}}', state: 'open' })] },
        postToSlack('pulls', {
          template: 'Open pull requests in {{repo}}:\n{{#pulls}}• #{{number}} {{title}} by {{author}} {{url}}\n{{/pulls}}{{^pulls}}none today.{{/pulls}}',
          data: { repo: '{{input.repo}}', pulls: '{{agents.pulls.output.items}}' },
        }),
      ],
    }),
  },
  {
    id: 'inbox-summary-to-slack',
    name: 'Unread mail summary to Slack',
    description: 'Every weekday morning, posts who wrote about what among the unread messages of the inbox to a Slack channel.',
    connections: ['google', 'slack'],
    parameters: inboxParameters,
    schedule: { cron: '0 8 * * 1-5', timezone: 'UTC' },
    build: () => ({
      name: 'Inbox summary',
      description: 'Posts the unread messages of the inbox to a Slack channel',
      inputSchema: inboxParameters,
      microAgents: [
        { key: 'unread', tools: ['gmail.searchMessages'], steps: [step('search', 'gmail.searchMessages', { query: 'is:unread in:inbox', maxResults: 25 })] },
        postToSlack('unread', {
          template: 'Unread mail:\n{{#messages}}• {{from}}: {{subject}}\n{{/messages}}{{^messages}}inbox zero.{{/messages}}',
          data: { messages: '{{agents.unread.output.items}}' },
        }),
      ],
    }),
  },
  {
    id: 'morning-calendar-brief',
    name: 'Morning calendar brief',
    description: 'Every weekday morning, posts the events of the next 12 hours of the primary Google Calendar to a Slack channel.',
    connections: ['google', 'slack'],
    parameters: calendarParameters,
    schedule: { cron: '30 7 * * 1-5', timezone: 'UTC' },
    build: () => ({
      name: 'Calendar brief',
      description: 'Posts the coming events of the day to a Slack channel',
      inputSchema: calendarParameters,
      microAgents: [
        { key: 'events', tools: ['calendar.listEvents'], steps: [step('list', 'calendar.listEvents', { withinHours: 12, maxResults: 25 })] },
        postToSlack('events', {
          template: 'Today:\n{{#events}}• {{start}} {{summary}}\n{{/events}}{{^events}}nothing in the calendar.{{/events}}',
          data: { events: '{{agents.events.output.items}}' },
        }),
      ],
    }),
  },
  {
    id: 'github-issue-responder',
    name: 'Issue responder',
    description: 'When an issue is opened in a GitHub repository, thanks its author with a comment on it (a webhook trigger).',
    connections: ['github'],
    parameters: responderParameters,
    build: (parameters) => {
      const { owner: repoOwner, repo: repoName } = parameters as { owner: string; repo: string };
      return {
        name: 'Issue responder',
        description: `Comments on every issue opened in ${repoOwner}/${repoName}`,
        triggers: [{ type: 'github', events: ['issues.opened'], repository: `${repoOwner}/${repoName}` }],
        inputSchema: issueEventInput,
        microAgents: [
          {
            key: 'respond',
            tools: ['github.createIssueComment'],
            steps: [
              step('comment', 'github.createIssueComment', {
                owner: repoOwner,
                repo: repoName,
                issueNumber: '{{input.number}}',
                body: 'Thanks @{{input.sender}} for opening “{{input.title}}”. We will look at it soon.',
              }),
            ],
          },
        ],
      };
    },
  },
];
