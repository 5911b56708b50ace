import type { AgentDefinition } from '@flowmate/contracts';
import { validateAgentDefinition } from '@flowmate/contracts/validation';
import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';

/** Shape and graph rules in one pass, so a 400 lists every problem of the definition. */
@Injectable()
export class AgentDefinitionPipe implements PipeTransform<unknown, AgentDefinition> {
  transform(body: unknown): AgentDefinition {
    const result = validateAgentDefinition(body);
    if (!result.ok) throw new BadRequestException({ message: 'The agent definition is invalid', details: result.problems });
    return result.definition;
  }
}
