export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
}

/** Nearest-rank percentiles of millisecond samples. */
export function summarize(samplesMs: readonly number[]): LatencySummary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (percentile: number): number => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((percentile / 100) * sorted.length) - 1)] : NaN);
  return { count: sorted.length, p50: at(50), p95: at(95), p99: at(99) };
}
