import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { Keyring } from '../keys/kek.js';
import { DATA_FILES } from './defaults.js';
import type { Config } from './schema.js';

function readSecretFile(path: string, setting: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (err) {
    throw new ConfigError(
      'ERR_CONFIG_FILE',
      setting,
      `cannot read ${path}: ${(err as NodeJS.ErrnoException).code}`,
    );
  }
}

/**
 * The KEK ring: `kek` (SIGNET_KEK) wins, then `kekFile`, then `<dataDir>/kek` when it exists.
 * Without any, start is refused (`ERR_KEK_MISSING`) — dev mode creates the file first.
 *
 * @example
 * const keyring = resolveKeyring(config);
 */
export function resolveKeyring(config: Config): Keyring {
  let text: string | undefined = config.kek;
  if (text === undefined) {
    const file = config.kekFile ?? join(resolve(config.dataDir), DATA_FILES.kek);
    if (config.kekFile !== undefined || existsSync(file)) text = readSecretFile(file, '/kekFile');
  }
  if (text === undefined) {
    throw new ConfigError(
      'ERR_KEK_MISSING',
      '/kek',
      'no key-encryption key: set SIGNET_KEK or kekFile, run `signet init`, or use --dev',
    );
  }
  try {
    return Keyring.parse(text);
  } catch (err) {
    throw new ConfigError('ERR_KEK_INVALID', '/kek', (err as Error).message);
  }
}

/** Admin tokens to accept: `adminToken` (SIGNET_ADMIN_TOKEN) and the admin token file. */
export function resolveAdminTokens(config: Config): { id: string; token: string }[] {
  const out: { id: string; token: string }[] = [];
  if (config.adminToken !== undefined) out.push({ id: 'env', token: config.adminToken });
  const file = config.adminTokenFile ?? join(resolve(config.dataDir), DATA_FILES.adminToken);
  if (config.adminTokenFile !== undefined || existsSync(file)) {
    const token = readSecretFile(file, '/adminTokenFile');
    if (token.length < 16)
      throw new ConfigError('ERR_CONFIG_INVALID', '/adminTokenFile', 'admin token too short');
    out.push({ id: 'file', token });
  }
  return out;
}

/** The database URL: `database` or SQLite in the data directory. */
export function databaseUrl(config: Config): string {
  return config.database ?? `sqlite:${join(resolve(config.dataDir), DATA_FILES.database)}`;
}
