import { SEARCH_ATTRIBUTES } from '@flowmate/contracts';
import { BASE_DIR, findObject, HELM_VALUES, type K8sObject, manifestsIn, podSpecOf } from './k8s-manifests';
import { isPinnedImage } from './pinned-images';
import { parseYamlFile } from './repository-files';

interface TemporalValues {
  server: { config: { persistence: Record<string, { driver: string; sql: { driver: string } }>; namespaces: { create: boolean; namespace: Array<{ name: string }> } } };
  extraObjects: K8sObject[];
}

const [values] = parseYamlFile(HELM_VALUES) as TemporalValues[];
const flowmateConfig = findObject(manifestsIn(BASE_DIR), 'ConfigMap', 'flowmate-config').data ?? {};

describe(HELM_VALUES, () => {
  it('stores Temporal in PostgreSQL, default and visibility stores alike', () => {
    const { persistence } = values.server.config;

    expect(persistence.default).toMatchObject({ driver: 'sql', sql: { driver: 'postgres12' } });
    expect(persistence.visibility).toMatchObject({ driver: 'sql', sql: { driver: 'postgres12' } });
  });

  it('creates the namespace FlowMate uses', () => {
    expect(values.server.config.namespaces.create).toBe(true);
    expect(values.server.config.namespaces.namespace.map((namespace) => namespace.name)).toContain(flowmateConfig.TEMPORAL_NAMESPACE);
  });

  it('registers every FlowMate search attribute as a Keyword in that namespace, with a pinned image', () => {
    const job = findObject(values.extraObjects.map((object) => ({ file: HELM_VALUES, object })), 'Job', 'temporal-flowmate-search-attributes');
    const [container] = podSpecOf(job).containers;
    const names = Object.values(SEARCH_ATTRIBUTES).map((key) => key.name);
    const env = Object.fromEntries((container.env ?? []).map(({ name, value }) => [name, value]));

    expect((container.args ?? []).join(' ')).toContain(`for name in ${names.join(' ')}; do`);
    expect((container.args ?? []).join(' ')).toContain('--type Keyword');
    expect(env).toEqual({ TEMPORAL_ADDRESS: flowmateConfig.TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE: flowmateConfig.TEMPORAL_NAMESPACE });
    expect(isPinnedImage(container.image)).toBe(true);
  });
});
