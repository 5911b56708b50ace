import type { AgentDefinition, MicroAgentDefinition } from './agent-definition';
import { transitiveDependencies } from './agent-graph';
import type { JsonObject } from './json';
import { listTemplateReferences, parseTemplateExpression } from './templates';

/** One of the user's agents a delegated task may use, under a short ref unique in the run. */
export interface DelegationCandidate {
  ref: string;
  agentId: string;
  agentVersion: number;
  definition: AgentDefinition;
}

/** What a planner reads of a candidate: names and descriptions, never its steps' arguments. */
export interface CandidateSummary {
  ref: string;
  agentId: string;
  agentVersion: number;
  name: string;
  description?: string;
  microAgents: Array<Pick<MicroAgentDefinition, 'key' | 'description' | 'instructions' | 'tools'> & { inputs: string[] }>;
}

/** The run input fields a micro agent's steps read (`{{input.owner}}` → `owner`), for the planner to supply. */
function inputsRead(microAgent: MicroAgentDefinition): string[] {
  const names = (microAgent.steps ?? []).flatMap((step) =>
    listTemplateReferences(step.args).flatMap(({ expression }) => {
      try {
        const reference = parseTemplateExpression(expression);
        return reference.root === 'input' && reference.path.length > 0 ? [reference.path[0]] : [];
      } catch {
        return [];
      }
    }),
  );
  return [...new Set(names)];
}

export function summariesOf(candidates: readonly DelegationCandidate[]): CandidateSummary[] {
  return candidates.map(({ ref, agentId, agentVersion, definition }) => ({
    ref,
    agentId,
    agentVersion,
    name: definition.name,
    description: definition.description,
    microAgents: definition.microAgents.map((microAgent) => {
      const { key, description, instructions, tools } = microAgent;
      return { key, description, instructions, tools, inputs: inputsRead(microAgent) };
    }),
  }));
}

/** The agent a delegated micro agent came from, for its agent-level instructions, model and limits. */
export function candidateOf(candidates: readonly DelegationCandidate[], microAgentKey: string): DelegationCandidate | undefined {
  return candidates.find((candidate) => microAgentKey.startsWith(`${candidate.ref}.`));
}

/** What the planner chose, and why; stored as the run's plan step and shown as the output's `delegation`. */
export interface DelegationPlan {
  planner: 'model' | 'keyword';
  reason: string;
  chosen: Array<{ agent: string; microAgents: string[]; reason: string }>;
  /** Run input the model planner supplied for the chosen micro agents; the caller's own input wins over it. */
  input?: JsonObject;
}

/** A delegated micro agent's key: `<agent ref>.<key>`, since micro agents of different agents may share a key. */
export const delegatedKey = (ref: string, key: string): string => `${ref}.${key}`;

/** The key a micro agent's own templates use for a sibling: `b.collect` reads `{{agents.fetch…}}` as `b.fetch`. */
export const siblingKey = (microAgentKey: string, key: string): string => {
  const dot = microAgentKey.lastIndexOf('.');
  return dot === -1 ? key : delegatedKey(microAgentKey.slice(0, dot), key);
};

export const localKeyOf = (key: string): string => key.slice(key.lastIndexOf('.') + 1);

/** A readable, unique ref per agent: its name as a slug (`pr-digest`, `pr-digest-2`). */
export function agentRefs(names: readonly string[]): string[] {
  const taken = new Set<string>();
  return names.map((name, index) => {
    const base = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 24) || `agent-${index + 1}`;
    let ref = base;
    for (let suffix = 2; taken.has(ref); suffix += 1) ref = `${base}-${suffix}`;
    taken.add(ref);
    return ref;
  });
}

/** The chosen micro agents and everything they depend on, keyed and wired as one run's micro agents. */
export function delegatedMicroAgents(candidates: readonly DelegationCandidate[], plan: DelegationPlan): MicroAgentDefinition[] {
  return plan.chosen.flatMap(({ agent, microAgents }) => {
    const candidate = candidates.find((each) => each.ref === agent);
    if (!candidate) return [];
    const all = candidate.definition.microAgents;
    const wanted = new Set(microAgents.flatMap((key) => (all.some((each) => each.key === key) ? [key, ...transitiveDependencies(all, key)] : [])));
    return all
      .filter((microAgent) => wanted.has(microAgent.key))
      .map((microAgent) => ({
        ...microAgent,
        key: delegatedKey(candidate.ref, microAgent.key),
        dependsOn: (microAgent.dependsOn ?? []).map((key) => delegatedKey(candidate.ref, key)),
      }));
  });
}

const STOP_WORDS = new Set(['the', 'and', 'for', 'with', 'that', 'this', 'from', 'into', 'about', 'please', 'all', 'any', 'our', 'your']);

function wordsOf(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((word) => word.length >= 3 && !STOP_WORDS.has(word)),
  );
}

/**
 * Without a model: rank micro agents by how many of the task's words appear in their key, description,
 * instructions and tools (and their agent's name and description), and choose those with the best score.
 */
export function keywordPlan(task: string, candidates: readonly CandidateSummary[]): DelegationPlan {
  const taskWords = wordsOf(task);
  const scored = candidates.flatMap((candidate) =>
    candidate.microAgents.map((microAgent) => {
      const text = [candidate.name, candidate.description, microAgent.key, microAgent.description, microAgent.instructions, ...microAgent.tools]
        .filter(Boolean)
        .join(' ');
      const matched = [...wordsOf(text)].filter((word) => taskWords.has(word)).sort();
      return { ref: candidate.ref, key: microAgent.key, matched };
    }),
  );
  const best = Math.max(0, ...scored.map((each) => each.matched.length));
  if (best === 0) return { planner: 'keyword', reason: 'no micro agent mentions any word of the task', chosen: [] };
  const chosen = new Map<string, DelegationPlan['chosen'][number]>();
  for (const each of scored.filter((candidate) => candidate.matched.length === best)) {
    const entry = chosen.get(each.ref) ?? { agent: each.ref, microAgents: [], reason: '' };
    entry.microAgents.push(each.key);
    entry.reason = `matched ${each.matched.join(', ')}`;
    chosen.set(each.ref, entry);
  }
  return { planner: 'keyword', reason: `chose the micro agents matching most words of the task (${best})`, chosen: [...chosen.values()] };
}
