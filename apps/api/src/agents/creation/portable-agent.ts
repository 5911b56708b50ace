import { isJsonObject, type AgentDefinition, type ScheduleSpec } from '@flowmate/contracts';
import { AgentDefinitionDto, flattenValidationErrors, joinPath, validateAgentDefinition, type ValidationProblem } from '@flowmate/contracts/validation';
import { ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { PutScheduleDto } from '../../schedules/dto/schedule.dto';

/** The version of the portable format: a document of another version is refused, not guessed at. */
export const PORTABLE_FORMAT = 1;

/** A schedule as it travels: its timing and input, never whether it was paused (an import starts paused). */
export type PortableSchedule = Omit<ScheduleSpec, 'paused'>;

/** An agent as it moves between installations: its definition and schedule, no ids, owners, secrets or connections. */
export class PortableAgentDocument {
  @ApiProperty({ enum: [PORTABLE_FORMAT], description: 'The version of this format' })
  flowmate!: typeof PORTABLE_FORMAT;

  @ApiProperty({
    description: 'The definition, and its schedule (as `PUT /agents/:id/schedule` takes it, without `paused`) when it has one',
    allOf: [
      { $ref: getSchemaPath(AgentDefinitionDto) },
      { type: 'object', properties: { schedule: { $ref: getSchemaPath(PutScheduleDto) } } },
    ],
  })
  agent!: AgentDefinition & { schedule?: PortableSchedule };
}

export function toPortable(definition: AgentDefinition, schedule?: ScheduleSpec): PortableAgentDocument {
  if (!schedule) return { flowmate: PORTABLE_FORMAT, agent: definition };
  const { paused: _paused, ...portable } = schedule;
  return { flowmate: PORTABLE_FORMAT, agent: { ...definition, schedule: portable } };
}

export type PortableImport = { ok: true; definition: AgentDefinition; schedule?: PutScheduleDto } | { ok: false; problems: ValidationProblem[] };

/** Validates a document like a create (every problem by path, under `agent.`) and its schedule like a `PUT …/schedule`. */
export function readPortable(body: unknown): PortableImport {
  if (!isJsonObject(body)) return { ok: false, problems: [{ path: '', message: 'must be a JSON object' }] };
  const { flowmate, agent, ...unknown } = body;
  const problems: ValidationProblem[] = Object.keys(unknown).map((field) => ({ path: field, message: 'is not a field of a FlowMate export' }));
  if (flowmate !== PORTABLE_FORMAT) problems.push({ path: 'flowmate', message: `must be ${PORTABLE_FORMAT}, the version of this format` });
  if (!isJsonObject(agent)) return { ok: false, problems: [...problems, { path: 'agent', message: 'must be a JSON object' }] };
  const { schedule, ...definitionPart } = agent;
  const definition = validateAgentDefinition(definitionPart);
  if (!definition.ok) problems.push(...definition.problems.map((problem) => ({ ...problem, path: problem.path ? joinPath('agent', problem.path) : 'agent' })));
  const scheduleDto = schedule === undefined ? undefined : plainToInstance(PutScheduleDto, schedule);
  if (scheduleDto) {
    const errors = isJsonObject(schedule) ? validateSync(scheduleDto, { whitelist: true, forbidNonWhitelisted: true }) : [];
    if (!isJsonObject(schedule)) problems.push({ path: 'agent.schedule', message: 'must be a JSON object' });
    problems.push(...flattenValidationErrors(errors, 'agent.schedule'));
  }
  if (!definition.ok || problems.length > 0) return { ok: false, problems };
  return { ok: true, definition: definition.definition, schedule: scheduleDto };
}
