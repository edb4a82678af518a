import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { CliError } from './errors.js';
import { readStdin } from './input.js';

/** Default admin API address (the admin listener binds to loopback by default). */
export const DEFAULT_ADMIN_URL = 'http://127.0.0.1:8081';
/** Default data directory, as in the server's configuration defaults. */
export const DEFAULT_DATA_DIR = './signet-data';
/** Name of the admin token file inside the data directory. */
export const ADMIN_TOKEN_FILE = 'admin-token';

/** Options every command that talks to the admin API accepts. */
export interface AdminOptions {
  adminUrl?: string;
  adminToken?: string;
  adminTokenFile?: string;
  data?: string;
}

/**
 * Adds `--admin-url`, `--admin-token-file`, `--admin-token` and `--data` to a command.
 *
 * @example
 * withAdminOptions(program.command('list')).action(async (opts) => (await adminClient(ctx, opts)).get('/admin/keys'));
 */
export function withAdminOptions(command: Command): Command {
  return command
    .option('--admin-url <url>', `admin API base URL (env SIGNET_ADMIN_URL, default ${DEFAULT_ADMIN_URL})`)
    .option(
      '--admin-token-file <file>',
      'file holding the admin token ("-" = stdin; env SIGNET_ADMIN_TOKEN_FILE; default <data>/admin-token)',
    )
    .option(
      '--admin-token <token>',
      'admin token (prefer --admin-token-file, or the token in SIGNET_ADMIN_TOKEN)',
    )
    .option(
      '--data <dir>',
      `data directory holding admin-token (env SIGNET_DATA, default ${DEFAULT_DATA_DIR})`,
    );
}

/** A JSON client of the Signet admin HTTP API. */
export interface AdminClient {
  readonly baseUrl: string;
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
}

/**
 * Resolves the admin URL and token (flags > environment > data directory) and returns a client.
 *
 * @example
 * const admin = await adminClient(ctx, opts);
 * const { clients } = await admin.request<{ clients: unknown[] }>('GET', '/admin/clients');
 */
export async function adminClient(ctx: CliContext, options: AdminOptions): Promise<AdminClient> {
  const baseUrl = (options.adminUrl ?? ctx.env.SIGNET_ADMIN_URL ?? DEFAULT_ADMIN_URL).replace(/\/+$/, '');
  const token = await adminToken(ctx, options);
  return {
    baseUrl,
    request: (method, path, body) => adminRequest(ctx, baseUrl, token, method, path, body),
  };
}

async function adminToken(ctx: CliContext, options: AdminOptions): Promise<string> {
  if (options.adminTokenFile !== undefined) return readTokenFile(ctx, options.adminTokenFile, true);
  if (options.adminToken !== undefined) return options.adminToken;
  const env = ctx.env.SIGNET_ADMIN_TOKEN;
  if (env !== undefined && env !== '') return env;
  const envFile = ctx.env.SIGNET_ADMIN_TOKEN_FILE;
  if (envFile !== undefined && envFile !== '') return readTokenFile(ctx, envFile, true);
  const dataDir = options.data ?? ctx.env.SIGNET_DATA ?? DEFAULT_DATA_DIR;
  return readTokenFile(ctx, join(dataDir, ADMIN_TOKEN_FILE), false);
}

async function readTokenFile(ctx: CliContext, path: string, explicit: boolean): Promise<string> {
  let text: string;
  try {
    text = path === '-' ? await readStdin(ctx) : await readFile(resolve(ctx.cwd, path), 'utf8');
  } catch (err) {
    if (err instanceof CliError) throw err;
    const hint = explicit
      ? ''
      : ' (run "signet init" or "signet serve --dev" first, or pass --admin-token-file / set SIGNET_ADMIN_TOKEN)';
    throw new CliError('ERR_ADMIN_TOKEN_MISSING', `cannot read the admin token file ${path}${hint}`, {
      cause: err,
    });
  }
  const token = text.trim();
  if (token === '') throw new CliError('ERR_ADMIN_TOKEN_MISSING', `the admin token file ${path} is empty`);
  return token;
}

async function adminRequest<T>(
  ctx: CliContext,
  baseUrl: string,
  token: string,
  method: string,
  path: string,
  body: unknown,
): Promise<T> {
  const url = `${baseUrl}${path}`;
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await ctx.fetch(url, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (err) {
    const reason =
      err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
    throw new CliError(
      'ERR_ADMIN_UNREACHABLE',
      `cannot reach the admin API at ${baseUrl} (${reason}); is "signet serve" running? (--admin-url, SIGNET_ADMIN_URL)`,
      { cause: err },
    );
  }
  const text = await res.text();
  let json: unknown;
  if (text !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  if (res.ok) return json as T;
  throw adminHttpError(method, path, res.status, json);
}

/** An error response of the admin API: its HTTP status and OAuth-style `error` are kept for callers. */
export class AdminHttpError extends CliError {
  readonly status: number;
  readonly error: string | undefined;

  constructor(code: string, message: string, status: number, error: string | undefined) {
    super(code, message);
    this.name = 'AdminHttpError';
    this.status = status;
    this.error = error;
  }
}

/** Maps an admin API error response to an AdminHttpError with a stable code. */
function adminHttpError(method: string, path: string, status: number, json: unknown): AdminHttpError {
  const body = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  const error = typeof body.error === 'string' ? body.error : undefined;
  const description = typeof body.error_description === 'string' ? body.error_description : undefined;
  const detail = [error, description].filter((x) => x !== undefined).join(': ');
  const suffix = detail === '' ? '' : ` (${detail})`;
  if (status === 401 || status === 403) {
    return new AdminHttpError(
      'ERR_ADMIN_UNAUTHORIZED',
      `the admin API refused the admin token${suffix}`,
      status,
      error,
    );
  }
  if (status === 404) {
    return new AdminHttpError('ERR_ADMIN_NOT_FOUND', `${method} ${path}: not found${suffix}`, status, error);
  }
  if (status === 409) {
    return new AdminHttpError('ERR_ADMIN_CONFLICT', `${method} ${path}: conflict${suffix}`, status, error);
  }
  return new AdminHttpError(
    'ERR_ADMIN_REQUEST',
    `${method} ${path} failed with HTTP ${status}${suffix}`,
    status,
    error,
  );
}
