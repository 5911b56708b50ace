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
