import { type Command, Option } from 'commander';
import { type AdminOptions, adminClient, withAdminOptions } from '../lib/admin-client.js';
import type { CliContext } from '../lib/context.js';
import { type ClientFieldOptions, clientFields, withClientFields } from './client-fields.js';
import { parseDuration } from '../lib/duration.js';
import { UsageError } from '../lib/errors.js';
import { keyValues, note, printData, printJson, table, withFormat } from '../lib/output.js';

/** A client as the admin API returns it (never a secret or a hash). */
interface Client {
  client_id: string;
  name: string;
  token_endpoint_auth_method?: string;
  scopes?: string[];
  audiences?: string[];
  token_ttl?: number;
  capabilities?: string[];
  disabled?: boolean;
  jwks_uri?: string | null;
  created_at?: unknown;
  updated_at?: unknown;
  [field: string]: unknown;
}

const SHOW_FIELDS = [
  'client_id',
  'name',
  'token_endpoint_auth_method',
  'scopes',
  'audiences',
  'token_ttl',
  'capabilities',
  'disabled',
  'jwks_uri',
  'created_at',
  'updated_at',
];

type Opts = AdminOptions & { format: string };

interface CreateOptions extends Opts, ClientFieldOptions {
  name: string;
  auth?: string;
}

/** Single-quotes a value for POSIX shells. */
const shellQuote = (value: string): string => `'${value.replaceAll("'", "'\\''")}'`;

function renderClient(client: Client): string {
  return keyValues(client, [...SHOW_FIELDS, ...Object.keys(client).filter((k) => !SHOW_FIELDS.includes(k))]);
}

/**
 * Registers `signet clients create | list | show | update | rotate-secret | disable | enable | delete` (admin API).
 *
 * @example
 * registerClients(program, ctx); // signet clients create --name s1 --scope "orders:read" --audience https://s2.example
 */
export function registerClients(program: Command, ctx: CliContext): void {
  const clients = program
    .command('clients')
    .description('manage OAuth clients (services) through the admin API');

  withFormat(
    withAdminOptions(
      withClientFields(
        clients
          .command('create')
          .description('register a client; prints its client_id and secret (shown only this once)')
          .requiredOption('--name <name>', 'a name for people (e.g. s1)')
          .addOption(
            new Option('--auth <method>', 'token endpoint authentication method').choices([
              'client_secret_basic',
              'client_secret_post',
              'private_key_jwt',
            ]),
          ),
        'allowed',
      ),
    ),
    ['env'],
  ).action(async (opts: CreateOptions) => {
    const keyBased = opts.jwks !== undefined || opts.jwksUri !== undefined;
    const authMethod = opts.auth ?? (keyBased ? 'private_key_jwt' : undefined);
    if (authMethod === 'private_key_jwt' && !keyBased) {
      throw new UsageError('--auth private_key_jwt needs --jwks FILE or --jwks-uri URL');
    }
    if (authMethod !== undefined && authMethod !== 'private_key_jwt' && keyBased) {
      throw new UsageError('--jwks and --jwks-uri are only for --auth private_key_jwt');
    }
    const body: Record<string, unknown> = {
      name: opts.name,
      ...(authMethod === undefined ? {} : { authMethod }),
      ...(await clientFields(ctx, opts)),
    };

    const admin = await adminClient(ctx, opts);
    const res = await admin.request<{ client: Client; client_secret?: string }>(
      'POST',
      '/admin/clients',
      body,
    );
    const secret = res.client_secret;
    if (opts.format === 'env') {
      const lines = [`export SIGNET_CLIENT_ID=${shellQuote(res.client.client_id)}`];
      if (secret !== undefined) lines.push(`export SIGNET_CLIENT_SECRET=${shellQuote(secret)}`);
      ctx.stdout.write(`${lines.join('\n')}\n`);
    } else if (opts.format === 'json') printJson(ctx, res);
    else {
      const shown: Record<string, unknown> = { client_id: res.client.client_id };
      if (secret !== undefined) shown.client_secret = secret;
      ctx.stdout.write(`${keyValues(shown)}\n`);
    }
    if (secret !== undefined) note(ctx, 'the client secret is shown only this once: store it now');
  });

  withFormat(withAdminOptions(clients.command('list').description('list clients'))).action(
    async (opts: Opts) => {
      const admin = await adminClient(ctx, opts);
      const res = await admin.request<{ clients: Client[] }>('GET', '/admin/clients');
      printData(ctx, opts.format, res, () =>
        res.clients.length === 0
          ? 'no clients'
          : table(
              res.clients.map((c) => ({ ...c, auth: c.token_endpoint_auth_method })),
              ['client_id', 'name', 'auth', 'scopes', 'audiences', 'disabled'],
            ),
      );
    },
  );

  withFormat(
    withAdminOptions(clients.command('show').description('show one client').argument('<client_id>')),
  ).action(async (id: string, opts: Opts) => {
    const admin = await adminClient(ctx, opts);
    const res = await admin.request<{ client: Client }>('GET', `/admin/clients/${encodeURIComponent(id)}`);
    printData(ctx, opts.format, res, () => renderClient(res.client));
  });

  withFormat(
    withAdminOptions(
      clients
        .command('rotate-secret')
        .description('issue a new secret (printed once); the old one keeps working for a grace period')
        .argument('<client_id>')
        .option('--grace <duration>', 'how long the previous secret stays valid, e.g. 3600 or 1h'),
    ),
  ).action(async (id: string, opts: Opts & { grace?: string }) => {
    const body = opts.grace === undefined ? {} : { graceSeconds: parseDuration(opts.grace, '--grace') };
    const admin = await adminClient(ctx, opts);
    const res = await admin.request<{ client_secret: string; previous_secret_expires_at?: unknown }>(
      'POST',
      `/admin/clients/${encodeURIComponent(id)}/rotate-secret`,
      body,
    );
    printData(ctx, opts.format, res, () => keyValues(res));
    note(ctx, 'the new client secret is shown only this once: store it now');
  });

  withFormat(
    withAdminOptions(
      clients.command('disable').description('disable a client (no new tokens)').argument('<client_id>'),
    ),
  ).action(async (id: string, opts: Opts) => {
    const admin = await adminClient(ctx, opts);
    const res = await admin.request<{ client: Client }>(
      'POST',
      `/admin/clients/${encodeURIComponent(id)}/disable`,
    );
    printData(ctx, opts.format, res, () => renderClient(res.client));
  });

  withFormat(
    withAdminOptions(
      withClientFields(
        clients
          .command('update')
          .description('change a client: name, scopes, audiences, token lifetime, capabilities, keys')
          .argument('<client_id>')
          .option('--name <name>', 'new name')
          .option('--default-ttl', "use the server's default token lifetime again"),
        'new',
      ),
    ),
  ).action(async (id: string, opts: Opts & ClientFieldOptions & { name?: string; defaultTtl?: boolean }) => {
    if (opts.defaultTtl === true && opts.ttl !== undefined)
      throw new UsageError('pass either --ttl or --default-ttl');
    const body: Record<string, unknown> = {
      ...(opts.name === undefined ? {} : { name: opts.name }),
      ...(opts.defaultTtl === true ? { tokenTtl: null } : {}),
      ...(await clientFields(ctx, opts)),
    };
    if (Object.keys(body).length === 0) throw new UsageError('nothing to change: pass at least one setting');
    const admin = await adminClient(ctx, opts);
    const res = await admin.request<{ client: Client }>(
      'PATCH',
      `/admin/clients/${encodeURIComponent(id)}`,
      body,
    );
    printData(ctx, opts.format, res, () => renderClient(res.client));
  });

  withFormat(
    withAdminOptions(
      clients.command('enable').description('enable a disabled client').argument('<client_id>'),
    ),
  ).action(async (id: string, opts: Opts) => {
    const admin = await adminClient(ctx, opts);
    const res = await admin.request<{ client: Client }>('PATCH', `/admin/clients/${encodeURIComponent(id)}`, {
      disabled: false,
    });
    printData(ctx, opts.format, res, () => renderClient(res.client));
  });

  withFormat(
    withAdminOptions(clients.command('delete').description('delete a client').argument('<client_id>')),
  ).action(async (id: string, opts: Opts) => {
    const admin = await adminClient(ctx, opts);
    await admin.request('DELETE', `/admin/clients/${encodeURIComponent(id)}`);
    printData(ctx, opts.format, { deleted: id }, () => `deleted ${id}`);
  });
}
