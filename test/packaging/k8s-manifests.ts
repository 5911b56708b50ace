import { posix } from 'node:path';
import { filesUnder, parseYamlFile } from './repository-files';

/** The parts of a Kubernetes object these tests read; the Go checker holds the full types. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

export interface Manifest {
  file: string;
  object: K8sObject;
}

export interface Probe {
  httpGet?: { path: string; port: string | number };
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: Array<{ name: string; value: string }>;
  ports?: Array<{ name?: string; containerPort: number }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean; capabilities?: { drop?: string[] } };
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}

export interface PodSpec {
  containers: Container[];
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  volumes?: Array<{ name: string; emptyDir?: object }>;
}

export const K8S_DIR = 'k8s';
export const BASE_DIR = 'k8s/base';
export const PRODUCTION_DIR = 'k8s/overlays/production';
export const SECRETS_TEMPLATE = 'k8s/secrets/flowmate-secrets.template.yaml';
export const HELM_VALUES = 'k8s/temporal/values.yaml';

/** The kinds the Go checker decodes against k8s.io/api; the rest are only parsed. */
export const CORE_KINDS = new Set([
  'v1 ConfigMap',
  'v1 Namespace',
  'v1 Secret',
  'v1 Service',
  'apps/v1 Deployment',
  'autoscaling/v2 HorizontalPodAutoscaler',
  'batch/v1 Job',
  'networking.k8s.io/v1 Ingress',
  'networking.k8s.io/v1 NetworkPolicy',
  'policy/v1 PodDisruptionBudget',
]);
export const PARSED_ONLY_KINDS = new Set([
  'kustomize.config.k8s.io/v1beta1 Kustomization',
  'kustomize.config.k8s.io/v1alpha1 Component',
  'keda.sh/v1alpha1 ScaledObject',
]);

export const kindOf = (object: K8sObject): string => `${object.apiVersion} ${object.kind}`;
export const isKustomization = (file: string): boolean => posix.basename(file) === 'kustomization.yaml';

/** Every object under k8s/ except the Helm values, which are not a manifest. */
export function k8sManifests(): Manifest[] {
  return filesUnder(K8S_DIR, ['.yaml', '.yml'])
    .filter((file) => file !== HELM_VALUES)
    .flatMap((file) => parseYamlFile(file).map((object) => ({ file, object: object as K8sObject })));
}

export function manifestsIn(dir: string): Manifest[] {
  return k8sManifests().filter(({ file }) => file.startsWith(`${dir}/`));
}

export function findObject(manifests: Manifest[], kind: string, name: string): K8sObject {
  const found = manifests.find(({ object }) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found.object;
}

/** The pod template of a Deployment or Job. */
export const podSpecOf = (object: K8sObject): PodSpec => (object.spec as { template: { spec: PodSpec } }).template.spec;

export const podLabelsOf = (object: K8sObject): Record<string, string> =>
  (object.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
