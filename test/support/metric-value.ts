import type { Registry } from 'prom-client';

/** A counter's or gauge's value for exactly these labels; 0 when that series has not been touched. */
export async function metricValue(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name} in the registry`);
  const { values } = await metric.get();
  const wanted = Object.entries(labels);
  const series = values.find((value) => Object.keys(value.labels).length === wanted.length && wanted.every(([key, label]) => value.labels[key] === label));
  return series?.value ?? 0;
}
