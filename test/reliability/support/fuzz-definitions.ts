import { DEFINITION_LIMITS } from '@flowmate/contracts';
import fc from 'fast-check';
import { oddUnicodeString } from './fuzz-values';

type Json = unknown;

export interface MicroAgentDraft {
  key: string;
  dependsOn?: string[];
  tools: string[];
  steps?: Array<{ id: string; tool: string; args: Record<string, Json> }>;
  instructions?: string;
  [extra: string]: Json;
}

export interface DefinitionDraft {
  name: string;
  description?: string;
  microAgents: MicroAgentDraft[];
  [extra: string]: Json;
}

/**
 * What was done to a valid definition, and where its 400 must point. Shape faults (class-validator) hide
 * the graph faults, as the API documents: a definition whose shape is broken cannot be read as a graph.
 */
export interface Fault {
  kind: 'shape' | 'graph';
  path: string;
  /** The problem's message contains this, when there is something distinctive to look for. */
  says?: string;
}

export interface FuzzedDefinition {
  definition: DefinitionDraft;
  faults: Fault[];
}

/** U+0000 and unpaired surrogates are refused at the door for their own reason (Postgres cannot store them); valid definitions go past it. */
const withoutNul = (text: string): string => text.replaceAll('\u0000', '');
const storable = (text: string): string => withoutNul(text).replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '');

const STEP_TOOLS = ['text.render', 'http.request'] as const;

const stepOf = (tool: (typeof STEP_TOOLS)[number], id: string, text: string): { id: string; tool: string; args: Record<string, Json> } =>
  tool === 'text.render'
    ? { id, tool, args: { template: `Hello {{name}} ${text}`, data: { name: text } } }
    : { id, tool, args: { method: 'GET', url: 'https://example.com/items' } };

/** A valid definition of 1 to `maxMicroAgents` micro agents, wired as a DAG (each depends on earlier ones only). */
export const validDefinition = (maxMicroAgents: number = DEFINITION_LIMITS.microAgents): fc.Arbitrary<DefinitionDraft> =>
  fc
    .record({
      name: fc.oneof(fc.string({ minLength: 1, maxLength: 40 }).filter((name) => name.trim().length > 0 && !name.includes('\u0000')), fc.constant('Fuzzed agent')),
      description: fc.option(oddUnicodeString().map((text) => storable(text.slice(0, 200))), { nil: undefined }),
      shapes: fc.array(
        fc.record({
          tool: fc.constantFrom(...STEP_TOOLS),
          steps: fc.integer({ min: 1, max: 3 }),
          dependsOn: fc.array(fc.nat(), { maxLength: 3 }),
          text: fc.string({ maxLength: 30 }).map((text) => withoutNul(text).replace(/[{}]/g, '')),
        }),
        { minLength: 1, maxLength: maxMicroAgents },
      ),
    })
    .map(({ name, description, shapes }) => ({
      name,
      ...(description ? { description } : {}),
      microAgents: shapes.map((shape, index) => {
        const earlier = [...new Set(shape.dependsOn.filter(() => index > 0).map((pick) => `agent-${pick % index}`))];
        return {
          key: `agent-${index}`,
          ...(earlier.length > 0 ? { dependsOn: earlier } : {}),
          tools: [shape.tool],
          steps: Array.from({ length: shape.steps }, (_, step) => stepOf(shape.tool, `step-${step}`, shape.text)),
        };
      }),
    }));

type Mutation = (definition: DefinitionDraft, pick: number, text: string) => Fault[];

const at = (definition: DefinitionDraft, pick: number): [MicroAgentDraft, number] => {
  const index = pick % definition.microAgents.length;
  return [definition.microAgents[index], index];
};

/**
 * Faults the validator must name, each by the path its 400 lists it under. Applied in this order, so that
 * none undoes another: the ones that replace whole lists first, the one that breaks `tools` last.
 */
export const MUTATIONS: Record<string, Mutation> = {
  tooManyMicroAgents: (definition, pick) => {
    const count = DEFINITION_LIMITS.microAgents + 1 + (pick % 1_000);
    definition.microAgents = Array.from({ length: count }, (_, index) => ({
      key: `m${index}`,
      tools: ['text.render'],
      steps: [stepOf('text.render', 'only', `${index}`)],
      ...(index > 0 ? { dependsOn: [`m${index - 1}`] } : {}),
    }));
    return [{ kind: 'shape', path: 'microAgents' }];
  },
  tooManySteps: (definition, pick) => {
    const [agent, index] = at(definition, pick);
    agent.tools = ['text.render'];
    agent.steps = Array.from({ length: DEFINITION_LIMITS.stepsPerMicroAgent + 1 }, (_, step) => stepOf('text.render', `s${step}`, 'x'));
    return [{ kind: 'shape', path: `microAgents[${index}].steps` }];
  },
  cycle: (definition, pick) => {
    if (definition.microAgents.length < 2) {
      const [only] = at(definition, pick);
      only.dependsOn = [only.key];
    } else {
      const first = definition.microAgents[0];
      const last = definition.microAgents[definition.microAgents.length - 1];
      last.dependsOn = [...new Set([...(last.dependsOn ?? []), first.key])];
      first.dependsOn = [last.key];
    }
    return [{ kind: 'graph', path: 'microAgents', says: 'cycle' }];
  },
  unknownTool: (definition, pick, text) => {
    const [agent, index] = at(definition, pick);
    agent.tools = [...agent.tools, `no.such.${text.slice(0, 20)}`];
    return [{ kind: 'graph', path: `microAgents[${index}].tools[${agent.tools.length - 1}]`, says: 'unknown tool' }];
  },
  unknownStepTool: (definition, pick) => {
    const [agent, index] = at(definition, pick);
    agent.steps = [...(agent.steps ?? []), { id: 'unknown-tool', tool: 'shell.exec', args: { command: 'rm -rf /' } }];
    return [{ kind: 'graph', path: `microAgents[${index}].steps[${agent.steps.length - 1}].tool`, says: 'unknown tool' }];
  },
  unknownDependency: (definition, pick) => {
    const [agent, index] = at(definition, pick);
    agent.dependsOn = [...(agent.dependsOn ?? []), 'nobody-here'];
    return [{ kind: 'graph', path: `microAgents[${index}].dependsOn[${agent.dependsOn.length - 1}]`, says: 'unknown micro agent' }];
  },
  duplicateKey: (definition) => {
    const copy = { ...definition.microAgents[0], dependsOn: undefined };
    definition.microAgents.push(copy);
    return definition.microAgents.length > DEFINITION_LIMITS.microAgents
      ? [{ kind: 'shape', path: 'microAgents' }]
      : [{ kind: 'graph', path: `microAgents[${definition.microAgents.length - 1}].key`, says: 'duplicates' }];
  },
  unreadableTemplate: (definition, pick) => {
    const [agent, index] = at(definition, pick);
    agent.tools = [...new Set([...agent.tools, 'text.render'])];
    agent.steps = [...(agent.steps ?? []), { id: 'peek', tool: 'text.render', args: { template: '{{agents.ghost.output}}' } }];
    return [{ kind: 'graph', path: `microAgents[${index}].steps[${agent.steps.length - 1}].args`, says: 'ghost' }];
  },
  hugeName: (definition, _pick, text) => {
    definition.name = `${text}${'n'.repeat(DEFINITION_LIMITS.nameLength + 1 + (text.length % 50_000))}`;
    return [{ kind: 'shape', path: 'name' }];
  },
  hugeDescription: (definition) => {
    definition.description = 'é'.repeat(DEFINITION_LIMITS.descriptionLength + 1);
    return [{ kind: 'shape', path: 'description' }];
  },
  oddKey: (definition, pick, text) => {
    const [agent, index] = at(definition, pick);
    const key = `${text}\u202E-Ключ-🙂`;
    definition.microAgents.forEach((other) => (other.dependsOn = other.dependsOn?.filter((dependency) => dependency !== agent.key)));
    agent.key = key;
    return [{ kind: 'shape', path: `microAgents[${index}].key` }];
  },
  unknownField: (definition, pick) => {
    const [agent, index] = at(definition, pick);
    agent.runAsRoot = true;
    return [{ kind: 'shape', path: `microAgents[${index}].runAsRoot` }];
  },
  wrongType: (definition, pick) => {
    const [agent, index] = at(definition, pick);
    (agent as Record<string, Json>).tools = 'text.render';
    return [{ kind: 'shape', path: `microAgents[${index}].tools` }];
  },
};

/** A valid definition with one or more faults, and where each must be reported. */
export const faultyDefinition = (): fc.Arbitrary<FuzzedDefinition> =>
  fc
    .tuple(
      validDefinition(),
      fc.uniqueArray(fc.constantFrom(...Object.keys(MUTATIONS)), { minLength: 1, maxLength: 3 }),
      fc.nat(),
      fc.string({ maxLength: 12 }).map((text) => withoutNul(text)),
    )
    .map(([definition, names, pick, text]) => {
      const ordered = Object.keys(MUTATIONS).filter((name) => names.includes(name));
      return { definition, faults: ordered.flatMap((name) => MUTATIONS[name](definition, pick, text)) };
    });

export interface HostileRecipe {
  definition: DefinitionDraft;
  depth: number;
  where: 'data' | 'template' | 'headers' | 'url' | 'name' | 'dependsOn' | 'inputSchema';
  text: string;
}

/** Definitions whose faults are beyond the validator's rules: nesting, keys and strings no schema anticipates (built by `buildHostile`, so a counterexample prints small). */
export const hostileRecipe = (): fc.Arbitrary<HostileRecipe> =>
  fc.record({
    definition: validDefinition(5),
    depth: fc.integer({ min: 20, max: 5_000 }),
    where: fc.constantFrom('data', 'template', 'headers', 'url', 'name', 'dependsOn', 'inputSchema'),
    text: fc.oneof(oddUnicodeString(), fc.constant('🙂'.repeat(50_000)), fc.constant('{{#a}}'.repeat(10_000)), fc.constant('{{'.repeat(20_000))),
  });

const NESTED = '\u2063nested\u2063';

/** The request body of a recipe, as JSON text: the nesting is written out without recursion (JSON.stringify would overflow the stack). */
export function hostileBody({ definition: valid, depth, where, text }: HostileRecipe): string {
  const definition = structuredClone(valid);
  const agent = definition.microAgents[0];
  const step = agent.steps?.[0];
  if (where === 'name') definition.name = text || 'x';
  else if (where === 'dependsOn') agent.dependsOn = [text];
  else if (where === 'inputSchema') definition.inputSchema = { type: 'object', properties: { a: NESTED } };
  else if (step && where === 'data') step.args.data = NESTED;
  else if (step && where === 'template') step.args.template = text;
  else if (step && where === 'headers') step.args = { method: 'GET', url: 'https://example.com', headers: { [text || 'x']: text } };
  else if (step && where === 'url') step.args = { method: 'GET', url: text };
  const levels = Array.from({ length: depth }, (_, level) => level % 2 === 0);
  const nested = `${levels.map((array) => (array ? '[' : '{"n":')).reverse().join('')}${JSON.stringify(text)}${levels.map((array) => (array ? ']' : '}')).join('')}`;
  return JSON.stringify(definition).replace(JSON.stringify(NESTED), () => nested);
}
