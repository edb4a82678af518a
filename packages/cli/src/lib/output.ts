import { Option } from 'commander';
import type { Command } from 'commander';
import type { CliContext } from './context.js';

/** Output formats every data-printing command accepts. */
export type Format = 'text' | 'json';

/**
 * Adds `--format text|json` to a command (text: for people; json: stable, nothing else on stdout).
 *
 * @example
 * withFormat(program.command('list')).action((opts) => printData(ctx, opts.format, data, render));
 */
export function withFormat(command: Command, extra: readonly string[] = []): Command {
  return command.addOption(
    new Option('--format <format>', 'output format').choices(['text', 'json', ...extra]).default('text'),
  );
}

/**
 * Prints a stable JSON document on stdout (two-space indented, one trailing newline).
 *
 * @example
 * printJson(ctx, { client_id: 'abc' });
 */
export function printJson(ctx: CliContext, data: unknown): void {
  ctx.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
}

/**
 * Prints `data` as JSON or through `human` (text), on stdout.
 *
 * @example
 * printData(ctx, opts.format, { keys }, () => table(rows, ['kid', 'state']));
 */
export function printData(ctx: CliContext, format: string, data: unknown, human: () => string): void {
  if (format === 'json') printJson(ctx, data);
  else {
    const text = human();
    ctx.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
  }
}

/** Writes one diagnostic line on stderr. */
export function note(ctx: CliContext, line: string): void {
  ctx.stderr.write(`${line}\n`);
}

/** Renders a scalar, array or object cell for human output. */
export function cell(value: unknown): string {
  if (value === undefined || value === null) return '-';
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.map(cell).join(' ');
  if (typeof value === 'number' && value > 1e9 && value < 1e11) return isoSeconds(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Seconds since the epoch as an ISO 8601 UTC timestamp without milliseconds. */
export function isoSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * Renders rows as an aligned, space-separated table with a header line.
 *
 * @example
 * table([{ kid: 'a', state: 'active' }], ['kid', 'state']);
 */
export function table(rows: readonly Record<string, unknown>[], columns: readonly string[]): string {
  const cells = rows.map((row) => columns.map((c) => cell(row[c])));
  const header = columns.map((c) => c.toUpperCase());
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    r
      .map((v, i) => (i === r.length - 1 ? v : v.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...cells.map(line)].join('\n');
}

/**
 * Renders an object as aligned `key: value` lines.
 *
 * @example
 * keyValues({ client_id: 'abc', scopes: ['a', 'b'] }); // "client_id  abc\nscopes     a b"
 */
export function keyValues(obj: Record<string, unknown>, keys: readonly string[] = Object.keys(obj)): string {
  const width = Math.max(0, ...keys.map((k) => k.length));
  return keys.map((k) => `${k.padEnd(width)}  ${cell(obj[k])}`).join('\n');
}
