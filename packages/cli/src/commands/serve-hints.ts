import { relative, resolve } from 'node:path';
import type { Config } from '@signet/server';

/** What `signet serve` knows when it prints the first-run message. */
export interface FirstRun {
  /** What `initDataDir` reported: the paths it created, and where the KEK and admin token files are. */
  init: { created: readonly string[]; kekFile?: string; adminTokenFile?: string };
  database: string | undefined;
  selfCommand: string;
  cwd: string;
  config: Config;
  urls: { publicUrl: string; adminUrl: string };
  defaultAdminUrl: string;
  defaultDataDir: string;
}

/** A path as short as possible for a message: relative to the working directory when inside it. */
function shortPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel !== '' && !rel.startsWith('..') ? rel : path;
}

function describe(path: string, run: FirstRun): string {
  if (path === run.init.kekFile) return 'key-encryption key: keep it secret, back it up';
  if (path === run.init.adminTokenFile) return 'admin API token; the signet CLI reads it from here';
  if (path === resolve(run.cwd, run.config.dataDir)) return 'data directory';
  return '';
}

/**
 * The message `signet serve` prints on stderr when it created something: what, and copy-pasteable next steps
 * (create a client, then get a token with curl and with `signet token`).
 *
 * @example
 * note(ctx, firstRunMessage({ created, database, selfCommand: 'signet', config, urls, ... }));
 */
export function firstRunMessage(run: FirstRun): string {
  const lines = ['signet: first run, created:'];
  for (const path of run.init.created) {
    const what = describe(path, run);
    lines.push(`  ${shortPath(path, run.cwd)}${what === '' ? '' : `  (${what})`}`);
  }
  if (run.database !== undefined) lines.push(`  ${run.database}  (database, migrated)`);

  const adminFlags: string[] = [];
  if (resolve(run.cwd, run.config.dataDir) !== resolve(run.cwd, run.defaultDataDir)) {
    adminFlags.push(`--data ${shellWord(shortPath(resolve(run.cwd, run.config.dataDir), run.cwd))}`);
  }
  if (run.urls.adminUrl.replace(/\/+$/, '') !== run.defaultAdminUrl)
    adminFlags.push(`--admin-url ${run.urls.adminUrl}`);
  const tokenEndpoint = `${run.urls.publicUrl.replace(/\/+$/, '')}/token`;
  const create = [
    run.selfCommand,
    'clients create',
    ...adminFlags,
    '--name s1 --scope "orders:read orders:write" --audience https://s2.example --format env',
  ].join(' ');
  lines.push(
    'signet: try it (in another terminal, from this directory):',
    '  # 1. register a client; its id and secret go into SIGNET_CLIENT_ID / SIGNET_CLIENT_SECRET',
    `  eval "$(${create})"`,
    '  # 2. get a token with curl',
    `  curl -s -u "$SIGNET_CLIENT_ID:$SIGNET_CLIENT_SECRET" -d grant_type=client_credentials -d scope=orders:read ${tokenEndpoint}`,
    '  # 3. or with the CLI (discovery, then client_credentials), and verify it against the JWKS',
    `  TOKEN=$(${run.selfCommand} token --issuer ${run.config.issuer})`,
    `  ${run.selfCommand} jwt verify "$TOKEN" --jwks ${run.urls.publicUrl.replace(/\/+$/, '')}/.well-known/jwks.json --issuer ${run.config.issuer} --audience https://s2.example --alg ${run.config.signing.alg}`,
  );
  return lines.join('\n');
}

/** Quotes a path for a shell command line only when needed. */
function shellWord(value: string): string {
  return /^[\w./:@%+=,-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}
