import type { AgentDefinition, MicroAgentDefinition } from '@flowmate/contracts';

/** Small override factories for test data. */
export const factory = {
  microAgent: (overrides: Partial<MicroAgentDefinition> & Pick<MicroAgentDefinition, 'key'>): MicroAgentDefinition => ({
    tools: ['text.render'],
    steps: [{ id: 'render', tool: 'text.render', args: { template: `hello from ${overrides.key}` } }],
    ...overrides,
  }),

  agent: (overrides: Partial<AgentDefinition> = {}): AgentDefinition => ({
    name: 'test agent',
    microAgents: [factory.microAgent({ key: 'only' })],
    ...overrides,
  }),

  /** Two independent HTTP fetches and a digest of both: the walkthrough agent of the README. */
  digestAgent: (): AgentDefinition => ({
    name: 'Team digest',
    description: 'Fetches users and repositories, then renders a digest',
    microAgents: [
      {
        key: 'users',
        tools: ['http.request'],
        steps: [{ id: 'fetch', tool: 'http.request', args: { method: 'GET', url: '{{input.baseUrl}}/users' } }],
      },
      {
        key: 'repos',
        tools: ['http.request'],
        steps: [{ id: 'fetch', tool: 'http.request', args: { method: 'GET', url: '{{input.baseUrl}}/repos' } }],
      },
      {
        key: 'digest',
        dependsOn: ['users', 'repos'],
        tools: ['text.render'],
        steps: [
          {
            id: 'render',
            tool: 'text.render',
            args: {
              template: 'Users: {{#users}}{{name}} {{/users}}| Repos: {{#repos}}{{name}} {{/repos}}',
              data: { users: '{{agents.users.output.body}}', repos: '{{agents.repos.output.body}}' },
            },
          },
        ],
      },
    ],
  }),
};
