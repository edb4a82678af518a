import { ConfigError } from '../errors.js';
import type { ConfigInput } from './schema.js';

type Kind = 'string' | 'int' | 'bool';

/** `SIGNET_*` environment variables and the setting each one maps to (`section.key` for nested). */
export const ENV_VARS: Readonly<Record<string, readonly [string, Kind]>> = {
  SIGNET_ISSUER: ['issuer', 'string'],
  SIGNET_PORT: ['port', 'int'],
  SIGNET_HOST: ['host', 'string'],
  SIGNET_ADMIN_PORT: ['adminPort', 'int'],
  SIGNET_ADMIN_HOST: ['adminHost', 'string'],
  SIGNET_DATA: ['dataDir', 'string'],
  SIGNET_DATABASE_URL: ['database', 'string'],
  SIGNET_KEK: ['kek', 'string'],
  SIGNET_KEK_FILE: ['kekFile', 'string'],
  SIGNET_DEV: ['dev', 'bool'],
  SIGNET_ADMIN_TOKEN: ['adminToken', 'string'],
  SIGNET_ADMIN_TOKEN_FILE: ['adminTokenFile', 'string'],
  SIGNET_TRUST_PROXY: ['trustProxy', 'bool'],
  SIGNET_LOG_LEVEL: ['logLevel', 'string'],
  SIGNET_SIGNING_ALG: ['signing.alg', 'string'],
  SIGNET_ROTATION_PERIOD: ['signing.rotationPeriod', 'int'],
  SIGNET_PUBLISH_AHEAD: ['signing.publishAhead', 'int'],
  SIGNET_JWKS_MAX_AGE: ['signing.jwksMaxAge', 'int'],
  SIGNET_TOKEN_TTL: ['tokens.defaultTtl', 'int'],
  SIGNET_TOKEN_MAX_TTL: ['tokens.maxTtl', 'int'],
  SIGNET_AUTH_MAX_FAILURES: ['clientAuth.maxFailures', 'int'],
};

function convert(name: string, raw: string, kind: Kind): unknown {
  if (kind === 'string') return raw;
  if (kind === 'int') {
    if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError('ERR_CONFIG_INVALID', name, 'must be an integer');
    return Number.parseInt(raw, 10);
  }
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(v)) return false;
  throw new ConfigError('ERR_CONFIG_INVALID', name, 'must be a boolean (true/false)');
}

/**
 * Reads the `SIGNET_*` variables of {@link ENV_VARS} into a partial configuration. Unknown
 * `SIGNET_*` variables are ignored (the CLI has its own, e.g. `SIGNET_ADMIN_URL`).
 *
 * @example
 * configFromEnv({ SIGNET_PORT: '9000' }); // { port: 9000 }
 */
export function configFromEnv(env: NodeJS.ProcessEnv): ConfigInput {
  const out: Record<string, unknown> = {};
  for (const [name, [path, kind]] of Object.entries(ENV_VARS)) {
    const raw = env[name];
    if (raw === undefined || (raw === '' && kind !== 'bool')) continue;
    const value = convert(name, raw, kind);
    const [a, b] = path.split('.') as [string, string | undefined];
    if (b === undefined) out[a] = value;
    else out[a] = { ...((out[a] as Record<string, unknown> | undefined) ?? {}), [b]: value };
  }
  return out as ConfigInput;
}
