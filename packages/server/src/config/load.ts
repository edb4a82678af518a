import { readFileSync } from 'node:fs';
import { Value } from '@sinclair/typebox/value';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors.js';
import { DEFAULTS } from './defaults.js';
import { configFromEnv } from './env.js';
import { type Config, type ConfigInput, ConfigSchema } from './schema.js';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge where later layers win; `undefined` values (unset flags) never override. */
function merge(...layers: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    if (!isPlainObject(layer)) continue;
    for (const [k, v] of Object.entries(layer)) {
      if (v === undefined) continue;
      out[k] = isPlainObject(v) && isPlainObject(out[k]) ? merge(out[k], v) : isPlainObject(v) ? merge(v) : v;
    }
  }
  return out;
}

function readYaml(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError('ERR_CONFIG_FILE', file, `cannot read: ${(err as NodeJS.ErrnoException).code}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ConfigError('ERR_CONFIG_FILE', file, `invalid YAML: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) return {};
  if (!isPlainObject(doc)) throw new ConfigError('ERR_CONFIG_FILE', file, 'must be a mapping');
  return doc;
}

/** Checks relations between settings that the schema cannot express. */
function checkRelations(c: Config): void {
  const s = c.signing;
  if (s.publishAhead < s.jwksMaxAge + s.keyReloadInterval) {
    throw new ConfigError(
      'ERR_CONFIG_INVALID',
      '/signing/publishAhead',
      'must be ≥ jwksMaxAge + keyReloadInterval (a key must be in every cached JWKS before it signs)',
    );
  }
  if (c.tokens.defaultTtl > c.tokens.maxTtl) {
    throw new ConfigError('ERR_CONFIG_INVALID', '/tokens/defaultTtl', 'must be ≤ tokens.maxTtl');
  }
  if (s.rotationPeriod <= c.tokens.maxTtl) {
    throw new ConfigError('ERR_CONFIG_INVALID', '/signing/rotationPeriod', 'must be > tokens.maxTtl');
  }
}

/**
 * Builds the effective configuration: flags > `SIGNET_*` environment > YAML file > defaults,
 * checked by one strict schema (unknown keys are rejected with their path).
 *
 * @example
 * const config = loadConfig({ flags: { port: 9000 }, env: process.env, file: 'signet.yaml' });
 */
export function loadConfig(
  input: { flags?: ConfigInput; env?: NodeJS.ProcessEnv; file?: string } = {},
): Config {
  const env = input.env ?? {};
  const file = input.file ?? env['SIGNET_CONFIG'];
  const fromFile = file ? readYaml(file) : {};
  const merged = merge(DEFAULTS, fromFile, configFromEnv(env), input.flags ?? {});
  if (!Value.Check(ConfigSchema, merged)) {
    const first = Value.Errors(ConfigSchema, merged).First();
    const path = first?.path ?? '';
    const message =
      first?.message === 'Unexpected property' ? 'unknown setting' : (first?.message ?? 'invalid');
    throw new ConfigError('ERR_CONFIG_INVALID', path || '/', message);
  }
  const config = merged as Config;
  checkRelations(config);
  return config;
}
