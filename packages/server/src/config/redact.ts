import type { Config } from './schema.js';

/** Settings whose values are secrets. */
const SECRET_KEYS = new Set(['kek', 'adminToken']);

/** Replaces a database URL's password with `***`. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/**
 * A copy of the configuration safe to print (`signet config print`): secrets become `"***"`.
 *
 * @example
 * console.log(JSON.stringify(redactConfig(config), null, 2));
 */
export function redactConfig(config: Config): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(config) as unknown as Record<string, unknown>;
  for (const key of SECRET_KEYS) if (out[key] !== undefined) out[key] = '***';
  if (typeof out['database'] === 'string') out['database'] = redactUrl(out['database']);
  return out;
}
