import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { type AdminClient, type AdminOptions, adminClient, withAdminOptions } from '../lib/admin-client.js';
import type { CliContext } from '../lib/context.js';
import { parseDuration } from '../lib/duration.js';
import { UsageError } from '../lib/errors.js';
import { cell, withFormat } from '../lib/output.js';

/** One audit event as the admin API returns it. */
interface AuditEvent {
  id?: number;
  at?: number;
  type?: string;
  clientId?: string | null;
  data?: Record<string, unknown>;
  [field: string]: unknown;
}

interface AuditPage {
  events: AuditEvent[];
  last: number;
}

interface TailOptions extends AdminOptions {
  lines: string;
  follow?: boolean;
  interval: string;
  format: string;
}

/** Largest page the CLI asks for. */
const PAGE = 500;

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

async function page(admin: AdminClient, after: number, limit: number): Promise<AuditPage> {
  return admin.request<AuditPage>('GET', `/admin/audit?after=${after}&limit=${limit}`);
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

    // The API pages forward from a sequence number: read to the end, keeping only the newest `wanted`.
    let after = 0;
    let tail: AuditEvent[] = [];
    for (;;) {
      const res = await page(admin, after, PAGE);
      tail = [...tail, ...res.events];
      if (tail.length > wanted) tail = tail.slice(tail.length - wanted);
      if (res.events.length === 0 || res.last <= after) break;
      after = res.last;
    }
    tail.forEach(print);
    if (opts.follow !== true) return;

    let stopped = false;
    const off = ctx.onSignal(() => {
      stopped = true;
    });
    try {
      while (!stopped) {
        const res = await page(admin, after, PAGE);
        res.events.forEach(print);
        if (res.last > after) after = res.last;
        if (res.events.length < PAGE) await sleep(intervalMs, undefined, { ref: true });
      }
    } finally {
      off();
    }
  });
}
