import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import Mustache from 'mustache';
import type { AgentDefinition, MicroAgentDefinition } from '../agent-definition';
import { findCycles, transitiveDependencies } from '../agent-graph';
import { isJsonObject } from '../json';
import { RUN_SUMMARY } from '../llm-prompt';
import { listTemplateReferences, parseTemplateExpression, TemplateError } from '../templates';
import { isToolName } from '../tools';
import { AgentDefinitionDto } from './agent-definition.dto';
import { declaredInputs, inputSchemaProblems } from './input-schema';
import { literalCredentialProblems } from './literal-credentials';
import { checkDefinitionArgs } from './tool-args.validator';
import { flattenValidationErrors, joinPath, type ValidationProblem } from './validation-problem';

export type DefinitionValidation =
  | { ok: true; definition: AgentDefinition }
  | { ok: false; problems: ValidationProblem[] };

/**
 * Shape first (class-validator), then the rules that need the whole graph. Every problem is listed;
 * unknown fields alone do not hide the graph problems, a broken shape does (the graph cannot be read).
 */
export function validateAgentDefinition(body: unknown): DefinitionValidation {
  if (!isJsonObject(body)) return { ok: false, problems: [{ path: '', message: 'must be a JSON object' }] };
  const dto = plainToInstance(AgentDefinitionDto, body);
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  const shapeProblems = flattenValidationErrors(errors);
  if (shapeProblems.length > 0 && !onlyUnknownFields(errors)) return { ok: false, problems: shapeProblems };
  const definition = JSON.parse(JSON.stringify(dto)) as AgentDefinition;
  const problems = [...shapeProblems, ...findDefinitionProblems(definition)];
  return problems.length > 0 ? { ok: false, problems } : { ok: true, definition };
}

function onlyUnknownFields(errors: readonly ValidationError[]): boolean {
  return errors.every(
    (error) => Object.keys(error.constraints ?? {}).every((name) => name === 'whitelistValidation') && onlyUnknownFields(error.children ?? []),
  );
}

function findDefinitionProblems(definition: AgentDefinition): ValidationProblem[] {
  const { microAgents } = definition;
  return [
    ...duplicateKeyProblems(microAgents),
    ...dependencyProblems(microAgents),
    ...microAgents.flatMap((agent, index) => microAgentProblems(microAgents, agent, `microAgents[${index}]`)),
    ...toolCallBudgetProblems(definition),
    ...declaredInputProblems(definition),
  ];
}

/** With an `inputSchema`, it must be a schema of an object, and every `{{input.x}}` must name one of its properties. */
function declaredInputProblems({ inputSchema, microAgents }: AgentDefinition): ValidationProblem[] {
  if (!inputSchema) return [];
  const schemaProblems = inputSchemaProblems(inputSchema, 'inputSchema');
  const declared = declaredInputs(inputSchema);
  const undeclared = microAgents.flatMap((agent, agentIndex) =>
    (agent.steps ?? []).flatMap((step, stepIndex) =>
      listTemplateReferences(step.args).flatMap(({ at, expression }) => {
        const [root, name] = expression.split('.');
        if (root !== 'input' || name === undefined || declared.has(name)) return [];
        return [{ path: joinPath(`microAgents[${agentIndex}].steps[${stepIndex}].args`, at), message: `{{${expression}}} reads input "${name}", which inputSchema does not declare` }];
      }),
    ),
  );
  return [...schemaProblems, ...undeclared];
}

function duplicateKeyProblems(microAgents: readonly MicroAgentDefinition[]): ValidationProblem[] {
  return microAgents.flatMap((agent, index) => {
    if (agent.key === RUN_SUMMARY.outputKey) {
      return [{ path: `microAgents[${index}].key`, message: `"${RUN_SUMMARY.outputKey}" is where the run output keeps the main agent's summary; choose another key` }];
    }
    const first = microAgents.findIndex((other) => other.key === agent.key);
    return first === index ? [] : [{ path: `microAgents[${index}].key`, message: `duplicates microAgents[${first}].key "${agent.key}"` }];
  });
}

function dependencyProblems(microAgents: readonly MicroAgentDefinition[]): ValidationProblem[] {
  const keys = new Set(microAgents.map((agent) => agent.key));
  const unknown = microAgents.flatMap((agent, index) =>
    (agent.dependsOn ?? []).flatMap((dependency, position) =>
      keys.has(dependency)
        ? []
        : [{ path: `microAgents[${index}].dependsOn[${position}]`, message: `unknown micro agent "${dependency}"` }],
    ),
  );
  const cycles = findCycles(microAgents).map((cycle) => ({
    path: 'microAgents',
    message: `dependency cycle: ${cycle.join(' → ')}`,
  }));
  return [...unknown, ...cycles];
}

function microAgentProblems(
  microAgents: readonly MicroAgentDefinition[],
  agent: MicroAgentDefinition,
  path: string,
): ValidationProblem[] {
  const toolProblems = agent.tools.flatMap((tool, index) =>
    isToolName(tool) ? [] : [{ path: `${path}.tools[${index}]`, message: `unknown tool "${tool}"; GET /api/v1/tools lists them` }],
  );
  const dependencies = transitiveDependencies(microAgents, agent.key);
  const knownKeys = new Set(microAgents.map((other) => other.key));
  const steps = agent.steps ?? [];
  const modeProblems =
    steps.length === 0 && !agent.instructions
      ? [{ path, message: 'needs steps (tool calls run in order) or instructions (a model calls its tools)' }]
      : [];
  const stepProblems = steps.flatMap((step, index) => {
    const stepPath = `${path}.steps[${index}]`;
    const firstWithId = steps.findIndex((other) => other.id === step.id);
    const earlierIds = new Set(steps.slice(0, index).map((earlier) => earlier.id));
    const problems: ValidationProblem[] = [];
    if (firstWithId !== index) problems.push({ path: `${stepPath}.id`, message: `duplicates ${path}.steps[${firstWithId}].id "${step.id}"` });
    if (!isToolName(step.tool)) {
      problems.push({ path: `${stepPath}.tool`, message: `unknown tool "${step.tool}"; GET /api/v1/tools lists them` });
    } else {
      if (!agent.tools.includes(step.tool)) problems.push({ path: `${stepPath}.tool`, message: `"${step.tool}" is not in ${path}.tools` });
      problems.push(...checkDefinitionArgs(step.tool, step.args, `${stepPath}.args`));
      problems.push(...literalCredentialProblems(step.args, `${stepPath}.args`));
      if (step.tool === 'text.render') problems.push(...mustacheProblems(step.args.template, `${stepPath}.args.template`));
    }
    for (const { at, expression } of listTemplateReferences(step.args)) {
      const message = templateProblem(expression, { dependencies, knownKeys, earlierIds });
      if (message) problems.push({ path: joinPath(`${stepPath}.args`, at), message });
    }
    return problems;
  });
  return [...modeProblems, ...toolProblems, ...stepProblems, ...approvalProblems(agent, path)];
}

function approvalProblems(agent: MicroAgentDefinition, path: string): ValidationProblem[] {
  const tools = agent.requiresApproval?.tools ?? [];
  return tools.flatMap((tool, index) => {
    const at = `${path}.requiresApproval.tools[${index}]`;
    if (!agent.tools.includes(tool)) return [{ path: at, message: `"${tool}" is not in ${path}.tools` }];
    return tools.indexOf(tool) === index ? [] : [{ path: at, message: `"${tool}" is listed twice` }];
  });
}

interface TemplateScope {
  dependencies: ReadonlySet<string>;
  knownKeys: ReadonlySet<string>;
  earlierIds: ReadonlySet<string>;
}

function templateProblem(expression: string, scope: TemplateScope): string | undefined {
  try {
    const reference = parseTemplateExpression(expression);
    if (reference.root === 'agents') {
      if (!scope.knownKeys.has(reference.key)) return `{{${expression}}} names unknown micro agent "${reference.key}"`;
      if (!scope.dependencies.has(reference.key)) {
        return `{{${expression}}} reads micro agent "${reference.key}", which is not among this micro agent's dependencies (dependsOn)`;
      }
    }
    if (reference.root === 'steps' && !scope.earlierIds.has(reference.id)) {
      return `{{${expression}}} reads step "${reference.id}", which is not an earlier step of this micro agent`;
    }
    return undefined;
  } catch (error) {
    if (error instanceof TemplateError) return error.message;
    throw error;
  }
}

function mustacheProblems(template: unknown, path: string): ValidationProblem[] {
  if (typeof template !== 'string') return [];
  try {
    new Mustache.Writer().parse(template);
    return [];
  } catch (error) {
    return [{ path, message: `is not a valid Mustache template: ${(error as Error).message}` }];
  }
}

function toolCallBudgetProblems(definition: AgentDefinition): ValidationProblem[] {
  const budget = definition.limits?.maxToolCalls;
  const calls = definition.microAgents.reduce((sum, agent) => sum + (agent.steps?.length ?? 0), 0);
  return budget !== undefined && calls > budget
    ? [{ path: 'limits.maxToolCalls', message: `the steps make ${calls} tool calls, more than maxToolCalls (${budget})` }]
    : [];
}
