import type { Command } from 'commander';
import type { CliContext } from '../lib/context.js';
import { parseDuration } from '../lib/duration.js';
import { UsageError } from '../lib/errors.js';
import { collect, parseJsonArg, readFileArg } from '../lib/input.js';

/** The client settings `clients create` and `clients update` share. */
export interface ClientFieldOptions {
  scope?: string[];
  audience?: string[];
  jwks?: string;
  jwksUri?: string;
  ttl?: string;
  capability?: string[];
}

/** `--scope "a b" --scope c` → ['a', 'b', 'c']. */
const words = (values: string[] | undefined): string[] | undefined =>
  values?.flatMap((v) => v.split(/[\s,]+/)).filter((v) => v !== '');

/**
 * Adds `--scope`, `--audience`, `--jwks`, `--jwks-uri`, `--ttl` and `--capability` to a command.
 *
 * @example
 * withClientFields(clients.command('update').argument('<client_id>'));
 */
export function withClientFields(command: Command, verb: 'allowed' | 'new'): Command {
  const list = verb === 'new' ? ' (replaces the list)' : '';
  return command
    .option('--scope <scopes>', `${verb} scopes, space-separated (repeatable)${list}`, collect)
    .option('--audience <aud>', `${verb} audience (repeatable)${list}`, collect)
    .option('--jwks <file>', 'JWKS file for private_key_jwt ("-" = stdin)')
    .option('--jwks-uri <url>', 'JWKS URL for private_key_jwt')
    .option('--ttl <duration>', 'token lifetime for this client, e.g. 300 or 5m')
    .option('--capability <name>', `extra capability: introspect, revocations (repeatable)${list}`, collect);
}

/**
 * Turns the shared flags into admin API fields (`scopes`, `audiences`, `jwks`, `jwksUri`, `tokenTtl`, `capabilities`).
 *
 * @example
 * const body = { name: opts.name, ...(await clientFields(ctx, opts)) };
 */
export async function clientFields(
  ctx: CliContext,
  opts: ClientFieldOptions,
): Promise<Record<string, unknown>> {
  if (opts.jwks !== undefined && opts.jwksUri !== undefined) {
    throw new UsageError('pass either --jwks or --jwks-uri, not both');
  }
  const body: Record<string, unknown> = {};
  const scopes = words(opts.scope);
  if (scopes !== undefined) body.scopes = scopes;
  if (opts.audience !== undefined) body.audiences = opts.audience;
  if (opts.jwks !== undefined) body.jwks = parseJsonArg(await readFileArg(ctx, opts.jwks, 'JWKS'), '--jwks');
  if (opts.jwksUri !== undefined) body.jwksUri = opts.jwksUri;
  if (opts.ttl !== undefined) body.tokenTtl = parseDuration(opts.ttl, '--ttl');
  const capabilities = words(opts.capability);
  if (capabilities !== undefined) body.capabilities = capabilities;
  return body;
}
