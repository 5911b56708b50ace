import type { AgentDefinition } from '@flowmate/contracts';
import { validateAgentDefinition } from '@flowmate/contracts/validation';
import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';
import { DefinitionChecks } from './definition-checks';

/** Shape and graph rules in one pass, then this installation's checks, so a 400 lists every problem of the definition. */
@Injectable()
export class AgentDefinitionPipe implements PipeTransform<unknown, AgentDefinition> {
  constructor(private readonly checks: DefinitionChecks) {}

  transform(body: unknown): AgentDefinition {
    const result = validateAgentDefinition(body);
    const problems = result.ok ? this.checks.problemsOf(result.definition) : result.problems;
    if (!result.ok || problems.length > 0) throw new BadRequestException({ message: 'The agent definition is invalid', details: problems });
    return result.definition;
  }
}
