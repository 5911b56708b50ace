import type { AgentDefinition } from '@flowmate/contracts';
import { validateAgentDefinition } from '@flowmate/contracts/validation';
import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';
import { ModelCatalog } from '../models/model-catalog';

/** Shape and graph rules in one pass, then the models it names, so a 400 lists every problem of the definition. */
@Injectable()
export class AgentDefinitionPipe implements PipeTransform<unknown, AgentDefinition> {
  constructor(private readonly models: ModelCatalog) {}

  transform(body: unknown): AgentDefinition {
    const result = validateAgentDefinition(body);
    const problems = result.ok ? this.models.problemsOf(result.definition) : result.problems;
    if (!result.ok || problems.length > 0) throw new BadRequestException({ message: 'The agent definition is invalid', details: problems });
    return result.definition;
  }
}
