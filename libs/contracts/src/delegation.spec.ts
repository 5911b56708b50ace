import type { MicroAgentDefinition } from './agent-definition';
import { agentRefs, delegatedMicroAgents, keywordPlan, siblingKey, summariesOf, type DelegationCandidate } from './delegation';

const microAgent = (key: string, overrides: Partial<MicroAgentDefinition> = {}): MicroAgentDefinition => ({
  key,
  tools: ['text.render'],
  steps: [{ id: 'say', tool: 'text.render', args: { template: key } }],
  ...overrides,
});

const candidates: DelegationCandidate[] = [
  {
    ref: 'digest',
    agentId: 'a1',
    agentVersion: 3,
    definition: { name: 'Digest', microAgents: [microAgent('collect'), microAgent('sort', { dependsOn: ['collect'] }), microAgent('post', { dependsOn: ['sort'], description: 'Post to slack' })] },
  },
  { ref: 'weather', agentId: 'a2', agentVersion: 1, definition: { name: 'Weather', microAgents: [microAgent('collect', { description: 'forecast for a city' })] } },
];

describe(agentRefs.name, () => {
  it('slugs names and keeps them unique', () => {
    expect(agentRefs(['PR Digest', 'pr digest!', '***'])).toEqual(['pr-digest', 'pr-digest-2', 'agent-3']);
  });
});

describe(delegatedMicroAgents.name, () => {
  it('takes the chosen micro agents with everything they depend on, prefixed with their agent', () => {
    const chosen = delegatedMicroAgents(candidates, { planner: 'model', reason: '', chosen: [{ agent: 'digest', microAgents: ['post'], reason: '' }] });

    expect(chosen.map((agent) => [agent.key, agent.dependsOn])).toEqual([
      ['digest.collect', []],
      ['digest.sort', ['digest.collect']],
      ['digest.post', ['digest.sort']],
    ]);
  });

  it('keeps micro agents of two agents that share a key apart, and drops unknown agents and keys', () => {
    const chosen = delegatedMicroAgents(candidates, {
      planner: 'model',
      reason: '',
      chosen: [
        { agent: 'digest', microAgents: ['collect', 'ghost'], reason: '' },
        { agent: 'weather', microAgents: ['collect'], reason: '' },
        { agent: 'nobody', microAgents: ['collect'], reason: '' },
      ],
    });

    expect(chosen.map((agent) => agent.key)).toEqual(['digest.collect', 'weather.collect']);
  });
});

describe(siblingKey.name, () => {
  it('reads a delegated micro agent’s sibling under its agent’s prefix, and a plain one as written', () => {
    expect(siblingKey('digest.sort', 'collect')).toBe('digest.collect');
    expect(siblingKey('sort', 'collect')).toBe('collect');
  });
});

describe(keywordPlan.name, () => {
  it('chooses the micro agents matching most words of the task, with the words as the reason', () => {
    expect(keywordPlan('What is the forecast for Paris?', summariesOf(candidates))).toEqual({
      planner: 'keyword',
      reason: 'chose the micro agents matching most words of the task (1)',
      chosen: [{ agent: 'weather', microAgents: ['collect'], reason: 'matched forecast' }],
    });
  });

  it('chooses nothing, and says so, when no word matches', () => {
    expect(keywordPlan('the and for', summariesOf(candidates))).toEqual({ planner: 'keyword', reason: 'no micro agent mentions any word of the task', chosen: [] });
  });
});
