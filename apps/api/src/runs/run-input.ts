import type { AgentDefinition, JsonValue } from '@flowmate/contracts';
import { runInputProblems, type ValidationProblem } from '@flowmate/contracts/validation';
import { BadRequestException } from '@nestjs/common';

/** Every way `input` does not fit the agent's declared `inputSchema` (none when it declares none). */
export const inputProblemsFor = (definition: AgentDefinition, input: JsonValue): ValidationProblem[] =>
  definition.inputSchema ? runInputProblems(definition.inputSchema, input) : [];

/** A start whose input does not fit: 400, every problem by path. */
export function assertInputFits(definition: AgentDefinition, input: JsonValue): void {
  const details = inputProblemsFor(definition, input);
  if (details.length > 0) throw new BadRequestException({ message: `The input does not fit the inputSchema of "${definition.name}"`, details });
}
