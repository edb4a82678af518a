import type { Command } from 'commander';
import type { CliContext } from '../lib/context.js';
import { printData, withFormat } from '../lib/output.js';
import { loadServerConfig, type ServerFlags, withServerFlags } from '../lib/server-config.js';

/** Renders a nested object as `a.b: value` lines. */
function flatten(obj: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? flatten(v as Record<string, unknown>, `${prefix}${k}.`)
      : [`${prefix}${k}: ${JSON.stringify(v)}`],
  );
}

/**
 * Registers `signet config print`: the effective configuration (flags > env > file > defaults), secrets redacted.
 *
 * @example
 * registerConfig(program, ctx); // signet config print --format json
 */
export function registerConfig(program: Command, ctx: CliContext): void {
  const config = program.command('config').description('inspect the configuration');
  withFormat(
    withServerFlags(
      config.command('print').description('print the effective configuration with secrets redacted'),
    ),
  ).action(async (opts: ServerFlags & { format: string }) => {
    const config = await loadServerConfig(ctx, opts);
    const { redactConfig } = await import('@signet/server');
    const redacted = redactConfig(config);
    printData(ctx, opts.format, redacted, () => flatten(redacted).join('\n'));
  });
}
