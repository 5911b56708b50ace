import { existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import { BASE_DIR, isKustomization, K8S_DIR, type K8sObject, manifestsIn } from './k8s-manifests';
import { filesUnder, parseYamlFile, ROOT } from './repository-files';

interface Kustomization {
  resources?: string[];
  components?: string[];
  patches?: Array<{ path: string }>;
}

const kustomizationFiles = (): string[] => filesUnder(K8S_DIR, ['.yaml']).filter(isKustomization);
const readKustomization = (file: string): Kustomization => parseYamlFile(file)[0] as Kustomization;
const resolve = (file: string, reference: string): string => posix.normalize(posix.join(posix.dirname(file), reference));

/** A directory reference names another kustomization (or component); a file reference names a manifest. */
const referenceExists = (target: string): boolean => existsSync(join(ROOT, target.endsWith('.yaml') ? target : join(target, 'kustomization.yaml')));

describe('kustomize layout', () => {
  it('has a base, a production overlay and the CPU-HPA component', () => {
    expect(kustomizationFiles()).toEqual(['k8s/base/kustomization.yaml', 'k8s/components/worker-cpu-hpa/kustomization.yaml', 'k8s/overlays/production/kustomization.yaml']);
  });

  it.each(kustomizationFiles())('%s references only files and directories that exist', (file) => {
    const { resources = [], components = [], patches = [] } = readKustomization(file);
    const references = [...resources, ...components, ...patches.map((patch) => patch.path)].map((reference) => resolve(file, reference));

    expect(references.length).toBeGreaterThan(0);
    expect(references.filter((target) => !referenceExists(target))).toEqual([]);
  });

  it('lists every manifest of the base in its resources', () => {
    const listed = (readKustomization(`${BASE_DIR}/kustomization.yaml`).resources ?? []).map((reference) => resolve(`${BASE_DIR}/kustomization.yaml`, reference));
    const present = filesUnder(BASE_DIR, ['.yaml', '.yml']).filter((file) => !isKustomization(file));

    expect([...listed].sort()).toEqual(present);
  });

  it.each(kustomizationFiles().filter((file) => file !== `${BASE_DIR}/kustomization.yaml`))('%s patches only objects the base has', (file) => {
    const base = manifestsIn(BASE_DIR);
    const patched = (readKustomization(file).patches ?? []).flatMap(({ path }) => parseYamlFile(resolve(file, path)) as K8sObject[]);

    const unmatched = patched.filter((patch) => !base.some(({ object }) => object.kind === patch.kind && object.metadata.name === patch.metadata.name));

    expect(patched.length).toBeGreaterThan(0);
    expect(unmatched.map((patch) => `${patch.kind} ${patch.metadata.name}`)).toEqual([]);
  });
});
