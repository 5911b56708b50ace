import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PhaseUsage } from './process-usage';

export type Target = { ratioAtMost: number } | { ratioAtLeast: number } | { below: number } | { atLeast: number };

export interface ReportRow {
  measure: string;
  flowMate: number;
  bare?: number;
  target?: Target;
}

export interface BenchReport {
  startedAt: Date;
  commit: string;
  machine: string;
  /** FlowMate API settings changed for this run (`BENCH_API_*`). */
  apiOverrides: Record<string, string>;
  rows: ReportRow[];
  /** Per phase, per process. */
  usage: Record<string, Record<string, PhaseUsage>>;
  notes: string[];
}

const RESULTS_DIR = join(__dirname, '..', 'results');

/** Writes performance/results/<date>-<commit>.md and prints the same table. */
export async function writeReport(report: BenchReport): Promise<string> {
  const markdown = formatReport(report);
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${report.startedAt.toISOString().slice(0, 10)}-${report.commit}.md`);
  await writeFile(file, markdown);
  process.stdout.write(`${markdown}\nwritten to ${file}\n`);
  return file;
}

export function formatReport(report: BenchReport): string {
  const overrides = Object.entries(report.apiOverrides).map(([name, value]) => `${name}=${value}`);
  return [
    `# Benchmark ${report.startedAt.toISOString()} at ${report.commit}`,
    '',
    `Machine: ${report.machine}. Both workers with the SDK's default settings. FlowMate API settings changed for this run: ${overrides.length ? overrides.join(', ') : 'none'}.`,
    'Command: `npm run bench` (see performance/README.md).',
    '',
    '| measure | FlowMate | bare | FlowMate / bare | target | met |',
    '| --- | ---: | ---: | ---: | --- | --- |',
    ...report.rows.map(formatRow),
    '',
    '## CPU (% of one core) and peak RSS (MiB) per phase',
    '',
    ...formatUsage(report.usage),
    ...(report.notes.length ? ['', '## Notes', '', ...report.notes.map((note) => `- ${note}`)] : []),
    '',
  ].join('\n');
}

function formatRow({ measure, flowMate, bare, target }: ReportRow): string {
  const ratio = bare === undefined ? undefined : flowMate / bare;
  return `| ${measure} | ${number(flowMate)} | ${bare === undefined ? '' : number(bare)} | ${ratio === undefined ? '' : `${ratio.toFixed(2)}×`} | ${target ? describe(target) : ''} | ${target ? (met(target, flowMate, ratio) ? 'yes' : '**no**') : ''} |`;
}

function describe(target: Target): string {
  if ('ratioAtMost' in target) return `≤ ${target.ratioAtMost}×`;
  if ('ratioAtLeast' in target) return `≥ ${target.ratioAtLeast}×`;
  if ('below' in target) return `< ${target.below}`;
  return `≥ ${target.atLeast}`;
}

function met(target: Target, value: number, ratio: number | undefined): boolean {
  if ('ratioAtMost' in target) return ratio !== undefined && ratio <= target.ratioAtMost;
  if ('ratioAtLeast' in target) return ratio !== undefined && ratio >= target.ratioAtLeast;
  if ('below' in target) return value < target.below;
  return value >= target.atLeast;
}

function formatUsage(usage: BenchReport['usage']): string[] {
  const processes = [...new Set(Object.values(usage).flatMap((perProcess) => Object.keys(perProcess)))];
  return [
    `| phase | ${processes.join(' | ')} |`,
    `| --- |${processes.map(() => ' ---: |').join('')}`,
    ...Object.entries(usage).map(
      ([phase, perProcess]) =>
        `| ${phase} | ${processes.map((name) => (perProcess[name] ? `${perProcess[name].cpuPercent.toFixed(0)} % · ${(perProcess[name].peakRssBytes / 2 ** 20).toFixed(0)}` : '')).join(' | ')} |`,
    ),
  ];
}

const number = (value: number): string => (Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 2 : 1));
