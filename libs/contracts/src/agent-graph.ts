export interface GraphNode {
  key: string;
  dependsOn?: readonly string[];
}

/**
 * Groups micro agents into waves: every node of a wave depends only on nodes of earlier waves.
 * Expects a validated graph (unique keys, known dependencies, no cycle).
 */
export function planWaves<T extends GraphNode>(nodes: readonly T[]): T[][] {
  const done = new Set<string>();
  const waves: T[][] = [];
  let remaining = [...nodes];
  while (remaining.length > 0) {
    const wave = remaining.filter((node) => (node.dependsOn ?? []).every((key) => done.has(key)));
    if (wave.length === 0) throw new Error(`dependency cycle among ${remaining.map((n) => n.key).join(', ')}`);
    wave.forEach((node) => done.add(node.key));
    waves.push(wave);
    remaining = remaining.filter((node) => !done.has(node.key));
  }
  return waves;
}

/** One cycle per strongly tangled part of the graph, as a key path that ends where it starts. */
export function findCycles(nodes: readonly GraphNode[]): string[][] {
  const byKey = indexByKey(nodes);
  const state = new Map<string, 'visiting' | 'done'>();
  const cycles: string[][] = [];

  const visit = (key: string, trail: string[]): void => {
    if (state.get(key) === 'done') return;
    if (state.get(key) === 'visiting') {
      cycles.push([...trail.slice(trail.indexOf(key)), key]);
      return;
    }
    state.set(key, 'visiting');
    for (const next of byKey.get(key)?.dependsOn ?? []) {
      if (byKey.has(next)) visit(next, [...trail, key]);
    }
    state.set(key, 'done');
  };

  nodes.forEach((node) => visit(node.key, []));
  return cycles;
}

/** Every key that `key` depends on, directly or through others. */
export function transitiveDependencies(nodes: readonly GraphNode[], key: string): Set<string> {
  const byKey = indexByKey(nodes);
  const found = new Set<string>();
  const pending = [...(byKey.get(key)?.dependsOn ?? [])];
  while (pending.length > 0) {
    const next = pending.pop() as string;
    if (found.has(next)) continue;
    found.add(next);
    pending.push(...(byKey.get(next)?.dependsOn ?? []));
  }
  return found;
}

/** `key` and every key that depends on it, directly or through others: what a rerun from `key` runs again. */
export function downstreamOf(nodes: readonly GraphNode[], key: string): Set<string> {
  const found = new Set<string>([key]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const node of nodes) {
      if (!found.has(node.key) && (node.dependsOn ?? []).some((dependency) => found.has(dependency))) {
        found.add(node.key);
        grew = true;
      }
    }
  }
  return found;
}

/** First node per key: a duplicated key is reported on its later occurrences, so the first one stands for the key. */
function indexByKey<T extends GraphNode>(nodes: readonly T[]): Map<string, T> {
  const byKey = new Map<string, T>();
  for (const node of nodes) if (!byKey.has(node.key)) byKey.set(node.key, node);
  return byKey;
}
