import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { type AdminOptions, adminClient, withAdminOptions } from '../lib/admin-client.js';
import { AUDIT_PAGE, type AuditEvent, auditPage, latestEvents } from '../lib/audit-tail.js';
import type { CliContext } from '../lib/context.js';
import { parseDuration } from '../lib/duration.js';
import { UsageError } from '../lib/errors.js';
import { cell, withFormat } from '../lib/output.js';

interface TailOptions extends AdminOptions {
  lines: string;
  follow?: boolean;
  interval: string;
  format: string;
}

function renderEvent(event: AuditEvent): string {
  const { id, at, type, clientId, data, ...rest } = event;
  const head = [id, at, type].filter((x) => x !== undefined).map(cell);
  const fields: Record<string, unknown> = {
    ...(clientId === undefined || clientId === null ? {} : { client: clientId }),
    ...(typeof data === 'object' && data !== null ? data : {}),
    ...rest,
  };
  const details = Object.entries(fields)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `${k}=${cell(v)}`);
  return [...head, ...details].join(' ');
}

/**
 * Registers `signet audit tail [-n N] [--follow]`: the last audit events, then new ones as they are written.
 *
 * @example
 * registerAudit(program, ctx); // signet audit tail --follow --format json   (one JSON event per line)
 */
export function registerAudit(program: Command, ctx: CliContext): void {
  const audit = program.command('audit').description('read the audit log through the admin API');
  withFormat(
    withAdminOptions(
      audit
        .command('tail')
        .description('print the last audit events (--format json: one JSON object per line)')
        .option('-n, --lines <n>', 'how many of the latest events to print', '20')
        .option('-f, --follow', 'keep printing new events until interrupted')
        .option('--interval <duration>', 'polling interval with --follow', '1s'),
    ),
  ).action(async (opts: TailOptions) => {
    if (!/^\d+$/.test(opts.lines)) throw new UsageError('--lines must be a non-negative integer');
    const wanted = Number(opts.lines);
    const intervalMs = Math.max(1, parseDuration(opts.interval, '--interval')) * 1000;
    const admin = await adminClient(ctx, opts);
    const print = (event: AuditEvent) =>
      ctx.stdout.write(`${opts.format === 'json' ? JSON.stringify(event) : renderEvent(event)}\n`);

    const latest = await latestEvents(admin, wanted);
    let after = latest.cursor;
    const tail = latest.events;
    tail.forEach(print);
    if (opts.follow !== true) return;

    let stopped = false;
    const off = ctx.onSignal(() => {
      stopped = true;
    });
    try {
      while (!stopped) {
        const res = await auditPage(admin, after, AUDIT_PAGE);
        res.events.forEach(print);
        if (res.last > after) after = res.last;
        if (res.events.length < AUDIT_PAGE) await sleep(intervalMs, undefined, { ref: true });
      }
    } finally {
      off();
    }
  });
}
