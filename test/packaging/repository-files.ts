import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const ROOT = join(__dirname, '..', '..');

export const readText = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/** Every document of a YAML file, parsed; a syntax error anywhere throws with the file's name. */
export function parseYamlFile(path: string): unknown[] {
  const documents = parseAllDocuments(readText(path), { merge: true });
  for (const document of documents) {
    if (document.errors.length > 0) throw new Error(`${path}: ${document.errors.map((error) => error.message).join('; ')}`);
  }
  return documents.map((document) => document.toJS() as unknown).filter((value) => value !== null);
}

/** Repository-relative paths of the files under `dir` whose names end with one of `extensions`. */
export function filesUnder(dir: string, extensions: string[]): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && extensions.some((extension) => entry.name.endsWith(extension)))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)))
    .sort();
}
