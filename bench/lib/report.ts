/**
 * Result tables: printed to the terminal and written as JSON + Markdown under bench/results/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CaseResult, RunOptions } from './runner.js';

/** Where results go: `bench/results/`, whatever the working directory. */
export const resultsDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'results');

/** Facts about the machine and runtime, stored beside every result. */
export interface Environment {
  readonly date: string;
  readonly node: string;
  readonly openssl: string;
  readonly v8: string;
  readonly platform: string;
  readonly cpu: string;
  readonly cpus: number;
  readonly memoryGiB: number;
  readonly loadavg: readonly number[];
}

export function environment(): Environment {
  const cpuList = cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    openssl: process.versions.openssl ?? 'unknown',
    v8: process.versions.v8,
    platform: `${process.platform}-${process.arch}`,
    cpu: cpuList[0]?.model ?? 'unknown',
    cpus: cpuList.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

const fmtOps = (x: number): string =>
  x >= 100_000 ? `${(x / 1000).toFixed(0)}k` : x >= 10_000 ? `${(x / 1000).toFixed(1)}k` : x.toFixed(0);
const fmtRatio = (x: number | undefined): string => (x === undefined ? '' : `${x.toFixed(2)}×`);
// Relative spread of the samples: (max - min) / median, a cheap noise indicator.
const spread = (samples: readonly number[], med: number): string =>
  samples.length < 2
    ? ''
    : `±${(((Math.max(...samples) - Math.min(...samples)) / 2 / med) * 100).toFixed(0)}%`;

/** The result rows as a list of string cells, header first. */
export function tableRows(results: readonly CaseResult[]): string[][] {
  const rows = [['case', 'contender', 'ops/s', 'spread', 'vs primitive', 'vs best peer']];
  for (const c of results) {
    for (const r of c.contenders) {
      rows.push([
        c.name,
        r.name,
        fmtOps(r.median),
        spread(r.samples, r.median),
        fmtRatio(r.vsPrimitive),
        fmtRatio(r.vsBestPeer),
      ]);
    }
  }
  return rows;
}

/** A fixed-width text table for the terminal. */
export function textTable(rows: readonly string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    r.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/** A GitHub-flavoured Markdown table. */
export function markdownTable(rows: readonly string[][]): string {
  const [head, ...body] = rows;
  const align = head!.map((_, i) => (i < 2 ? '---' : '---:'));
  return [head!, align, ...body].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

export interface Report {
  /** Sub-benchmark name, e.g. `jose`. */
  readonly name: string;
  readonly options: RunOptions;
  readonly results: readonly CaseResult[];
  /** Extra Markdown appended after the table (target checks, notes). */
  readonly notes?: readonly string[];
  /** Extra JSON fields stored in the result file. */
  readonly extra?: Record<string, unknown>;
}

/**
 * Prints the table and writes `bench/results/<name>-<date>.json` and `.md`.
 *
 * @example
 * const files = writeReport({ name: 'jose', options, results });
 */
export function writeReport(report: Report, dir: string = resultsDir): { json: string; md: string } {
  const env = environment();
  const rows = tableRows(report.results);
  const stamp = env.date.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
  const base = join(dir, `${report.name}-${stamp}`);
  mkdirSync(dirname(base), { recursive: true });
  const { log: _log, ...options } = report.options;
  writeFileSync(
    `${base}.json`,
    `${JSON.stringify({ name: report.name, environment: env, options, results: report.results, notes: report.notes ?? [], ...report.extra }, null, 2)}\n`,
  );
  const md = [
    `# bench: ${report.name}`,
    '',
    `${env.date} — Node ${env.node}, OpenSSL ${env.openssl}, ${env.cpu} × ${env.cpus}, load ${env.loadavg.join(' ')}`,
    `${options.rounds} interleaved rounds of ${options.sliceMs} ms per contender; ops/s are medians of the rounds, per ${options.clock === 'wall' ? 'wall-clock' : 'CPU'} second.`,
    '',
    markdownTable(rows),
    '',
    ...(report.notes ?? []),
    '',
  ].join('\n');
  writeFileSync(`${base}.md`, md);
  console.log(`\n${textTable(rows)}\n`);
  for (const note of report.notes ?? []) console.log(note);
  console.log(`\nwritten: ${base}.json, ${base}.md`);
  return { json: `${base}.json`, md: `${base}.md` };
}
