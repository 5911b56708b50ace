import { loadConfig, type ProcessRole } from '@flowmate/config';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BASE_DIR, type Container, findObject, type K8sObject, manifestsIn, podLabelsOf, podSpecOf, PRODUCTION_DIR, SECRETS_TEMPLATE } from './k8s-manifests';
import { isPinnedImage } from './pinned-images';
import { parseYamlFile, readText, ROOT } from './repository-files';
import { defaultSetting, knownSettings, requiredSettings } from './required-settings';

const base = manifestsIn(BASE_DIR);
const secretTemplates = parseYamlFile(SECRETS_TEMPLATE) as K8sObject[];
const baseConfig = findObject(base, 'ConfigMap', 'flowmate-config').data ?? {};
const productionConfig = { ...baseConfig, ...findObject(manifestsIn(PRODUCTION_DIR), 'ConfigMap', 'flowmate-config').data };

const api = findObject(base, 'Deployment', 'flowmate-api');
const worker = findObject(base, 'Deployment', 'flowmate-worker');
const migration = findObject(base, 'Job', 'flowmate-migrate');
const workloads: Array<[string, K8sObject, ProcessRole]> = [
  ['API', api, 'api'],
  ['worker', worker, 'worker'],
  // scripts/migrate.ts loads its configuration as the worker does.
  ['migration Job', migration, 'worker'],
];
const containersOf = (workload: K8sObject): Array<[string, Container]> => podSpecOf(workload).containers.map((container) => [container.name, container]);
const allContainers = workloads.flatMap(([, workload]) => containersOf(workload));
const longRunningContainers = [...containersOf(api), ...containersOf(worker)];
const onlyContainer = (workload: K8sObject): Container => podSpecOf(workload).containers[0];

/** Stand-ins for what an operator puts in the Secrets: well-formed, never real. */
const SAMPLE_SECRET_VALUES: Record<string, string> = {
  DATABASE_URL: 'postgres://flowmate:secret@postgres.example.internal:5432/flowmate',
  CREDENTIALS_KEYS: `k1:${randomBytes(32).toString('base64')}`,
  PAYLOAD_KEYS: `p1:${randomBytes(32).toString('base64')}`,
  JWT_SECRET: randomBytes(48).toString('base64'),
  SMTP_URL: 'smtp://mailer:secret@smtp.example.internal:587',
};

/** The environment a container gets from its ConfigMap and Secret references, the Secrets filled with samples. */
function environmentOf(container: Container, config: Record<string, string>): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) Object.assign(environment, config);
    const secret = source.secretRef && secretTemplates.find((template) => template.metadata.name === source.secretRef?.name);
    for (const key of Object.keys(secret?.stringData ?? {})) environment[key] = SAMPLE_SECRET_VALUES[key] ?? '';
  }
  return environment;
}

const portNumber = (container: Container, port: string | number): number | undefined =>
  typeof port === 'number' ? port : container.ports?.find((candidate) => candidate.name === port)?.containerPort;

/** `GET` routes of a Nest controller, as `/<controller>/<route>`. */
function controllerRoutes(file: string): string[] {
  const source = readText(file);
  const prefix = /@Controller\('([^']+)'\)/.exec(source)?.[1];
  return [...source.matchAll(/@Get\('([^']+)'\)/g)].map(([, route]) => `/${prefix}/${route}`);
}

const probePaths = (container: Container): Record<string, string | undefined> => ({
  startup: container.startupProbe?.httpGet?.path,
  liveness: container.livenessProbe?.httpGet?.path,
  readiness: container.readinessProbe?.httpGet?.path,
});

describe('k8s workloads', () => {
  describe('configuration', () => {
    it.each(workloads)('the %s references the ConfigMap and Secrets that exist', (_, workload) => {
      const references = onlyContainer(workload).envFrom ?? [];
      const configMaps = references.flatMap((source) => (source.configMapRef ? [source.configMapRef.name] : []));
      const secrets = references.flatMap((source) => (source.secretRef ? [source.secretRef.name] : []));

      expect(configMaps).toEqual(['flowmate-config']);
      expect(secrets.length).toBeGreaterThan(0);
      expect(secrets.filter((name) => !secretTemplates.some((template) => template.metadata.name === name))).toEqual([]);
    });

    it.each(workloads)('the %s is given every variable its role requires', (_, workload, role) => {
      const provided = new Set(Object.keys(environmentOf(onlyContainer(workload), baseConfig)));
      const required = requiredSettings(role);

      expect(required.length).toBeGreaterThanOrEqual(3);
      expect(required.filter((alternatives) => !alternatives.some((name) => provided.has(name)))).toEqual([]);
    });

    it.each(workloads.flatMap(([name, workload, role]) => [[name, 'base', workload, role, baseConfig] as const, [name, 'production', workload, role, productionConfig] as const]))(
      'the %s passes its own configuration check with the %s ConfigMap and filled Secrets',
      (_, __, workload, role, config) => {
        expect(() => loadConfig(role, environmentOf(onlyContainer(workload), config))).not.toThrow();
      },
    );

    it('names only variables FlowMate reads in the ConfigMap and the Secrets', () => {
      const keys = [...Object.keys(productionConfig), ...secretTemplates.flatMap((secret) => Object.keys(secret.stringData ?? {}))];

      expect(keys.length).toBeGreaterThan(15);
      expect(keys.filter((key) => !knownSettings().has(key))).toEqual([]);
    });

    it('keeps values out of the Secret template', () => {
      const filled = secretTemplates.flatMap((secret) => Object.entries(secret.stringData ?? {}).filter(([, value]) => value !== ''));

      expect(secretTemplates.every((secret) => secret.data === undefined)).toBe(true);
      expect(filled).toEqual([]);
    });
  });

  describe('containers', () => {
    it.each(allContainers)('%s runs a pinned image', (_, container) => {
      expect(isPinnedImage(container.image)).toBe(true);
    });

    it('the production overlay pins the image it deploys', () => {
      const [overlay] = parseYamlFile(`${PRODUCTION_DIR}/kustomization.yaml`) as Array<{ images: Array<{ name: string; newName: string; newTag: string }> }>;

      expect(overlay.images.map((image) => image.name)).toEqual(['flowmate']);
      expect(overlay.images.every((image) => isPinnedImage(`${image.newName}:${image.newTag}`))).toBe(true);
    });

    it.each(allContainers)('%s runs a file the build produces', (_, container) => {
      const [runtime, entry] = container.command ?? [];

      expect(runtime).toBe('node');
      expect(existsSync(join(ROOT, entry))).toBe(true);
    });

    it.each(allContainers)('%s has CPU and memory requests and limits', (_, container) => {
      for (const bound of [container.resources?.requests, container.resources?.limits]) {
        expect(Object.keys(bound ?? {}).sort()).toEqual(['cpu', 'memory']);
      }
    });

    it.each(workloads)('the %s runs as a non-root user, read-only, without privileges, /tmp on an emptyDir', (_, workload) => {
      const pod = podSpecOf(workload);
      const container = onlyContainer(workload);
      const tmp = container.volumeMounts?.find((mount) => mount.mountPath === '/tmp');

      expect(pod.securityContext?.runAsNonRoot).toBe(true);
      expect(pod.securityContext?.runAsUser).toBeGreaterThan(0);
      expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      expect(pod.volumes?.find((volume) => volume.name === tmp?.name)?.emptyDir).toBeDefined();
    });

    it.each(longRunningContainers)('%s has startup, liveness and readiness probes on a port it declares', (_, container) => {
      for (const probe of [container.startupProbe, container.livenessProbe, container.readinessProbe]) {
        expect(probe?.httpGet?.path).toMatch(/^\//);
        expect(portNumber(container, probe?.httpGet?.port ?? '')).toBeDefined();
      }
    });
  });

  describe('the API', () => {
    const container = onlyContainer(api);

    it('listens on the port the API is configured with', () => {
      const port = portNumber(container, 'http');

      expect(port).toBe(defaultSetting('PORT'));
      expect(String(port)).toBe(baseConfig.PORT);
      expect(portNumber(container, container.readinessProbe?.httpGet?.port ?? '')).toBe(port);
    });

    it('probes the health routes the API serves', () => {
      const routes = controllerRoutes('apps/api/src/health/health.controller.ts');

      expect(routes).toEqual(expect.arrayContaining(['/health/live', '/health/ready']));
      expect(probePaths(container)).toEqual({ startup: '/health/live', liveness: '/health/live', readiness: '/health/ready' });
    });

    it('is reached through its Service and Ingress', () => {
      const service = findObject(base, 'Service', 'flowmate-api').spec as { selector: Record<string, string>; ports: Array<{ name: string; targetPort: string }> };
      const backend = (findObject(base, 'Ingress', 'flowmate-api').spec as { rules: Array<{ http: { paths: Array<{ backend: { service: { name: string; port: { name: string } } } }> } }> })
        .rules[0].http.paths[0].backend.service;

      expect(podLabelsOf(api)).toMatchObject(service.selector);
      expect(portNumber(container, service.ports[0].targetPort)).toBe(3000);
      expect(backend).toEqual({ name: 'flowmate-api', port: { name: service.ports[0].name } });
    });
  });

  describe('the worker', () => {
    const container = onlyContainer(worker);

    it('serves metrics and health on WORKER_METRICS_PORT', () => {
      const port = portNumber(container, 'telemetry');

      expect(port).toBe(defaultSetting('WORKER_METRICS_PORT'));
      expect(String(port)).toBe(baseConfig.WORKER_METRICS_PORT);
    });

    it('probes the health routes the worker serves', () => {
      const routes = [...readText('apps/worker/src/telemetry-server.ts').matchAll(/case '(\/health\/[a-z]+)'/g)].map(([, route]) => route);

      expect(routes).toEqual(expect.arrayContaining(['/health/live', '/health/ready']));
      expect(probePaths(container)).toEqual({ startup: '/health/live', liveness: '/health/live', readiness: '/health/ready' });
    });

    it('is given longer to stop than it gives in-flight activities', () => {
      const shutdownGrace = Math.max(Number(baseConfig.WORKER_SHUTDOWN_GRACE_SECONDS), Number(defaultSetting('WORKER_SHUTDOWN_GRACE_SECONDS')));

      expect(shutdownGrace).toBeGreaterThanOrEqual(150);
      expect(podSpecOf(worker).terminationGracePeriodSeconds).toBeGreaterThan(shutdownGrace);
    });

    it('is scaled by KEDA on the backlog of the task queue it polls', () => {
      const scaler = findObject(base, 'ScaledObject', 'flowmate-worker').spec as {
        scaleTargetRef: { name: string };
        triggers: Array<{ type: string; metadata: Record<string, string> }>;
      };
      const [trigger] = scaler.triggers;

      expect(scaler.scaleTargetRef.name).toBe(worker.metadata.name);
      expect(trigger.type).toBe('temporal');
      expect(trigger.metadata).toMatchObject({ taskQueue: baseConfig.TEMPORAL_TASK_QUEUE, namespace: baseConfig.TEMPORAL_NAMESPACE });
      expect(baseConfig[trigger.metadata.endpointFromEnv]).toBe(baseConfig.TEMPORAL_ADDRESS);
    });
  });

  it('the API HorizontalPodAutoscaler scales the API Deployment', () => {
    const spec = findObject(base, 'HorizontalPodAutoscaler', 'flowmate-api').spec as { scaleTargetRef: { kind: string; name: string } };

    expect(spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: api.metadata.name });
  });

  it.each([
    ['flowmate-api', api],
    ['flowmate-worker', worker],
  ])('the PodDisruptionBudget %s selects its Deployment', (name, deployment) => {
    const spec = findObject(base, 'PodDisruptionBudget', name).spec as { selector: { matchLabels: Record<string, string> } };

    expect(podLabelsOf(deployment)).toMatchObject(spec.selector.matchLabels);
  });
});
