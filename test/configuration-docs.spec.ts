import 'reflect-metadata';
import { getMetadataStorage } from 'class-validator';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Environment } from '../libs/config/src/environment';

const ROOT = join(__dirname, '..');
const CONFIGURATION_DOC = 'docs/configuration.md';
/** The machine's own variables, not FlowMate settings. */
const SYSTEM_VARIABLES = new Set(['PATH', 'HOME']);

/** Rows of the first Markdown table after `## heading`, as trimmed cells. */
function tableUnder(markdown: string, heading: string): string[][] {
  const section = markdown.split(/^## /m).find((part) => part.startsWith(`${heading}\n`));
  if (!section) throw new Error(`no "## ${heading}" section`);
  return section
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2)
    .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()));
}

const variableOf = (cell: string): string => /^`([A-Z][A-Z0-9_]+)`$/.exec(cell)?.[1] ?? `not a variable: ${cell}`;

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

describe(CONFIGURATION_DOC, () => {
  const doc = readFileSync(join(ROOT, CONFIGURATION_DOC), 'utf8');
  const processRows = tableUnder(doc, 'API and worker');
  const launcherRows = tableUnder(doc, '`npm start` and `npm test` only');
  const documented = new Set([...processRows, ...launcherRows].map((row) => variableOf(row[0])));

  it('lists exactly the variables the config class validates', () => {
    const validated = new Set(getMetadataStorage().getTargetValidationMetadatas(Environment, '', true, false).map((rule) => rule.propertyName));

    expect(processRows.map((row) => variableOf(row[0])).sort()).toEqual([...validated].sort());
  });

  it('gives each variable the default the config class has', () => {
    const defaults = new Environment() as unknown as Record<string, unknown>;
    const documentedDefaults = processRows.map((row) => [variableOf(row[0]), row[2]]);
    const expected = documentedDefaults.map(([name, cell]) => {
      const value = defaults[name];
      if (value === undefined) return [name, cell];
      return [name, value === '' ? 'empty' : `\`${String(value)}\``];
    });

    expect(documentedDefaults).toEqual(expected);
  });

  it('names every variable the launcher, the apps and the test setup read', () => {
    const reads = /\b(?:process\.)?env\.([A-Z][A-Z0-9_]+)|\benv\[['"]([A-Z][A-Z0-9_]+)['"]\]|\bport\(env, '([A-Z][A-Z0-9_]+)'/g;
    const read = new Set<string>();
    for (const file of ['apps', 'libs', 'activities', 'scripts', 'test/support'].flatMap(sourceFiles)) {
      for (const match of readFileSync(join(ROOT, file), 'utf8').matchAll(reads)) read.add(match[1] ?? match[2] ?? match[3]);
    }

    const undocumented = [...read].filter((name) => !SYSTEM_VARIABLES.has(name) && !documented.has(name));

    expect(read.size).toBeGreaterThan(10);
    expect(undocumented).toEqual([]);
  });

  it('is linked from the README, whose shorter table names only documented variables', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const inReadme = [...tableUnder(readme, 'Configuration').flatMap((row) => row[0].match(/`[A-Z][A-Z0-9_]+`/g) ?? [])].map(variableOf);

    expect(readme).toContain(`](${CONFIGURATION_DOC})`);
    expect(inReadme.length).toBeGreaterThan(3);
    expect(inReadme.filter((name) => !documented.has(name))).toEqual([]);
  });
});
