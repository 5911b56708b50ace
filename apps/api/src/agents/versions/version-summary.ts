import type { AgentDefinition } from '@flowmate/contracts';
import { isDeepStrictEqual } from 'node:util';

const named = (label: string, keys: string[]): string[] => (keys.length > 0 ? [`${label} ${keys.join(', ')}`] : []);

/**
 * One line on what a version changed from the one before it: micro agents added, removed and changed by
 * key, then the other fields that changed. `previous` is undefined for the first version, or when the
 * version before was not kept (agents older than version history).
 */
export function versionSummary(current: { version: number; definition: AgentDefinition; restoredFrom: number | null }, previous?: AgentDefinition): string {
  const restored = current.restoredFrom === null ? [] : [`restored version ${current.restoredFrom}`];
  if (current.version === 1) return 'created';
  if (!previous) return [...restored, `version ${current.version - 1} was not kept, so the change is unknown`].join('; ');
  const before = new Map(previous.microAgents.map((microAgent) => [microAgent.key, microAgent]));
  const after = new Map(current.definition.microAgents.map((microAgent) => [microAgent.key, microAgent]));
  const added = [...after.keys()].filter((key) => !before.has(key));
  const removed = [...before.keys()].filter((key) => !after.has(key));
  const changed = [...after.keys()].filter((key) => before.has(key) && !isDeepStrictEqual(before.get(key), after.get(key)));
  const fields = new Set([...Object.keys(previous), ...Object.keys(current.definition)].filter((field) => field !== 'microAgents'));
  const otherChanges = [...fields].filter((field) => !isDeepStrictEqual(previous[field as keyof AgentDefinition], current.definition[field as keyof AgentDefinition]));
  const parts = [
    ...restored,
    ...named('micro agents added:', added),
    ...named('removed:', removed),
    ...named('changed:', changed),
    ...named('also changed:', otherChanges),
  ];
  return parts.length > 0 ? parts.join('; ') : 'no change';
}
