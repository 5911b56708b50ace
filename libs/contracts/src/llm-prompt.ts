import type { AgentDefinition, MicroAgentDefinition } from './agent-definition';

/** The system prompt of an LLM micro agent: its main agent's goal, then its own instructions. */
export function systemPromptOf(agent: Pick<AgentDefinition, 'instructions'>, microAgent: MicroAgentDefinition): string {
  const parts = [
    agent.instructions ? `You are one part of a larger agent, whose goal is:\n${agent.instructions}` : undefined,
    `Your task:\n${microAgent.instructions ?? ''}`,
    'Call the tools you are given when they help; answer when the task is done.',
    microAgent.responseFormat === 'json' ? 'Give your final answer as one JSON value and nothing else.' : undefined,
  ];
  return parts.filter((part): part is string => part !== undefined).join('\n\n');
}

/** Where the main agent's own steps (a delegated run's plan, a run's summary) are recorded: `~` is no key character. */
export const MAIN_AGENT_KEY = '~main';

/** A delegated run's plan: the main agent's first step, shown as the run output's `delegation`. */
export const DELEGATION_PLAN = { microAgentKey: MAIN_AGENT_KEY, stepId: 'plan', outputKey: 'delegation' } as const;

/** The main agent's summary of a run: one model call after the last micro agent, shown as the run output's `summary`. */
export const RUN_SUMMARY = { microAgentKey: MAIN_AGENT_KEY, stepId: 'summary', outputKey: 'summary' } as const;

export function summaryPromptOf(agent: Pick<AgentDefinition, 'instructions'>): string {
  return [
    `You are the main agent of a run whose goal is:\n${agent.instructions ?? ''}`,
    'The outputs of its micro agents follow. Summarise what the run found or did for the person who started it, briefly.',
  ].join('\n\n');
}
