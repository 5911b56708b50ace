import 'reflect-metadata';
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import { Environment, type ProcessRole } from '../../libs/config/src/environment';
import { readText } from './repository-files';

/** One requirement: any of these variables satisfies it (`JWT_SECRET` or `JWT_KEYS`). */
export type Requirement = string[];

const ROLE_NAMES: Record<string, ProcessRole[]> = { both: ['api', 'worker'], api: ['api'], worker: ['worker'] };

/** Variables the `Environment` class validates for `role` that have no default and may not be left out. */
function requiredByClass(role: ProcessRole): Requirement[] {
  const rules = getMetadataStorage().getTargetValidationMetadatas(Environment, '', true, false, [role]);
  const defaults = new Environment() as unknown as Record<string, unknown>;
  const optional = new Set(rules.filter((rule) => rule.type === ValidationTypes.CONDITIONAL_VALIDATION).map((rule) => rule.propertyName));
  const names = new Set(rules.map((rule) => rule.propertyName).filter((name) => defaults[name] === undefined && !optional.has(name)));
  return [...names].map((name) => [name]);
}

/** Rows of docs/configuration.md whose default says "required" for `role`; other variables named in that cell are alternatives. */
function requiredByDocs(role: ProcessRole): Requirement[] {
  const section = readText('docs/configuration.md').split(/^## /m).find((part) => part.startsWith('API and worker\n')) ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()))
    .filter(([, readBy, byDefault]) => /required/i.test(byDefault) && (ROLE_NAMES[readBy.toLowerCase()] ?? []).includes(role))
    .map(([variable, , byDefault]) => [variable, ...(byDefault.match(/`[A-Z][A-Z0-9_]+`/g) ?? [])].map((name) => name.replaceAll('`', '')));
}

/** What a deployment of `role` must provide, from the config class and the configuration page together. */
export function requiredSettings(role: ProcessRole): Requirement[] {
  const byName = new Map<string, Requirement>();
  for (const requirement of [...requiredByClass(role), ...requiredByDocs(role)]) byName.set(requirement[0], [...new Set([...(byName.get(requirement[0]) ?? []), ...requirement])]);
  return [...byName.values()];
}

/** Every variable FlowMate reads, so a misspelt key in a ConfigMap or Secret shows. */
export function knownSettings(): Set<string> {
  return new Set(getMetadataStorage().getTargetValidationMetadatas(Environment, '', true, false).map((rule) => rule.propertyName));
}

export const defaultSetting = (name: string): unknown => (new Environment() as unknown as Record<string, unknown>)[name];
