import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ensureChecker, runChecker } from './k8s-checker';
import { CORE_KINDS, HELM_VALUES, k8sManifests, kindOf, PARSED_ONLY_KINDS } from './k8s-manifests';
import { parseYamlFile, readText } from './repository-files';

// A cold build fetches k8s.io/api from the Go module proxy and compiles it.
const BUILD_TIMEOUT_MS = 600_000;

describe('the k8s manifest checker (k8s/checker)', () => {
  let checker: string;
  let scratch: string;

  beforeAll(async () => {
    checker = await ensureChecker();
    scratch = await mkdtemp(join(tmpdir(), 'flowmate-k8s-check-'));
  }, BUILD_TIMEOUT_MS);

  afterAll(() => rm(scratch, { recursive: true, force: true }));

  const fixture = async (name: string, content: string): Promise<string> => {
    const file = join(scratch, name);
    await writeFile(file, content);
    return file;
  };

  it('knows every kind under k8s/: each file holds core kinds only, or kinds that are only parsed', () => {
    const kindsByFile = new Map<string, string[]>();
    for (const { file, object } of k8sManifests()) kindsByFile.set(file, [...(kindsByFile.get(file) ?? []), kindOf(object)]);

    const unknown = [...kindsByFile].filter(([, kinds]) => !kinds.every((kind) => CORE_KINDS.has(kind)) && !kinds.every((kind) => PARSED_ONLY_KINDS.has(kind)));

    expect(kindsByFile.size).toBeGreaterThan(15);
    expect(unknown).toEqual([]);
  });

  it('accepts every core-kind manifest, overlay patches and the Secret template included', async () => {
    const manifests = k8sManifests().filter(({ object }) => CORE_KINDS.has(kindOf(object)));
    const files = [...new Set(manifests.map(({ file }) => file))];

    const run = await runChecker(checker, files);

    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(manifests.length);
  });

  it('accepts the objects the Temporal Helm values add (the search-attribute Job)', async () => {
    const [values] = parseYamlFile(HELM_VALUES) as Array<{ extraObjects: unknown[] }>;
    const file = await fixture('helm-extra-objects.yaml', values.extraObjects.map((object) => stringify(object)).join('---\n'));

    const run = await runChecker(checker, [file]);

    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('batch/v1 Job/temporal-flowmate-search-attributes');
  });

  it.each([
    ['a misspelt field', 'periodSeconds: 5', 'periodSecond: 5', 'unknown field "spec.template.spec.containers[0].startupProbe.periodSecond"'],
    ['a field in the wrong case', 'readOnlyRootFilesystem: true', 'readOnlyRootFileSystem: true', 'readOnlyRootFileSystem'],
    ['a field at the wrong level', '  revisionHistoryLimit: 5', '  revisionHistoryLimit: 5\n  terminationGracePeriodSeconds: 30', 'unknown field "spec.terminationGracePeriodSeconds"'],
    ['a duplicated field', '  revisionHistoryLimit: 5', '  revisionHistoryLimit: 5\n  revisionHistoryLimit: 6', 'revisionHistoryLimit'],
    ['a retired apiVersion', 'apiVersion: apps/v1', 'apiVersion: extensions/v1beta1', 'no official type for apiVersion "extensions/v1beta1" kind "Deployment"'],
  ])('refuses the API Deployment with %s', async (_, original, broken, reason) => {
    const manifest = readText('k8s/base/api-deployment.yaml');
    expect(manifest).toContain(original);
    const file = await fixture('api-deployment.yaml', manifest.replace(original, broken));

    const run = await runChecker(checker, [file]);

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(reason);
  });
});
