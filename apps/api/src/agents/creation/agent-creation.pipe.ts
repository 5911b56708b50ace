import { isJsonObject, type AgentDefinition } from '@flowmate/contracts';
import { flattenValidationErrors } from '@flowmate/contracts/validation';
import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AgentDefinitionPipe } from '../agent-definition.pipe';
import { FromTemplateDto } from './templates/from-template.dto';

/** What `POST /agents` creates from. */
export type AgentSource = { definition: AgentDefinition } | { template: FromTemplateDto };

/** A body with `fromTemplate` names a template; any other body is a definition, checked like every definition. */
@Injectable()
export class AgentCreationPipe implements PipeTransform<unknown, AgentSource> {
  constructor(private readonly definitions: AgentDefinitionPipe) {}

  transform(body: unknown): AgentSource {
    if (!isJsonObject(body) || !('fromTemplate' in body)) return { definition: this.definitions.transform(body) };
    const template = plainToInstance(FromTemplateDto, body);
    const problems = flattenValidationErrors(validateSync(template, { whitelist: true, forbidNonWhitelisted: true }));
    if (problems.length > 0) throw new BadRequestException({ message: 'Request validation failed', details: problems });
    return { template };
  }
}
