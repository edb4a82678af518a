import {
  type Alg,
  algorithms,
  createLocalKeySet,
  importJwk,
  importPem,
  type Jwk,
  type Jwks,
  type Key,
  type KeySet,
} from '@signet/jose';
import type { CliContext } from './context.js';
import { CliError, errorCode, UsageError } from './errors.js';
import { parseJsonArg, readFileArg } from './input.js';

/**
 * Parses a comma- or space-separated list of algorithm names given to `--alg`.
 *
 * @example
 * parseAlgs('ES256,RS256'); // ['ES256', 'RS256']
 */
export function parseAlgs(value: string): Alg[] {
  const names = value.split(/[\s,]+/).filter((x) => x !== '');
  if (names.length === 0) throw new UsageError('--alg needs at least one algorithm');
  for (const name of names) {
    if (!(algorithms as readonly string[]).includes(name)) {
      throw new UsageError(`--alg: unknown algorithm "${name}" (one of ${algorithms.join(', ')})`);
    }
  }
  return names as Alg[];
}

/** Wraps a jose key-import failure in a CliError that names the file, never its contents. */
function keyError(err: unknown, source: string): never {
  const code = errorCode(err) ?? 'ERR_KEY_INVALID';
  const message = err instanceof Error ? err.message : String(err);
  throw new CliError(code, `cannot use the key in ${source === '-' ? 'stdin' : source}: ${message}`, {
    cause: err,
  });
}

/**
 * Loads one key from a JWK (JSON) or PEM file, bound to `alg` (required for PEM, else taken from the JWK).
 *
 * @example
 * const key = await loadKeyFile(ctx, 'private.pem', 'ES256');
 */
export async function loadKeyFile(ctx: CliContext, path: string, alg: Alg | undefined): Promise<Key> {
  const text = await readFileArg(ctx, path, 'key');
  try {
    if (text.trimStart().startsWith('-----BEGIN')) {
      if (alg === undefined)
        throw new UsageError('a PEM key needs --alg (the key does not name its algorithm)');
      return importPem(text, alg);
    }
    const jwk = parseJsonArg(text, `key file ${path}`) as Jwk;
    return importJwk(jwk, alg === undefined ? {} : { alg });
  } catch (err) {
    if (err instanceof UsageError) throw err;
    return keyError(err, path);
  }
}

/** Largest JWKS document fetched from a URL. */
const MAX_JWKS_BYTES = 1024 * 1024;

/**
 * Fetches a JWKS once (a one-shot command needs no cache): 5 s timeout, 1 MiB cap, JSON with a `keys` array.
 *
 * @example
 * const jwks = await fetchJwks(ctx, 'http://127.0.0.1:8080/.well-known/jwks.json');
 */
export async function fetchJwks(ctx: CliContext, url: string): Promise<Jwks> {
  let text: string;
  try {
    const res = await ctx.fetch(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(5000),
    });
    if (res.status !== 200) throw new CliError('ERR_JWKS_INVALID', `GET ${url} answered HTTP ${res.status}`);
    text = await res.text();
  } catch (err) {
    if (err instanceof CliError) throw err;
    const timeout = err instanceof Error && err.name === 'TimeoutError';
    const reason =
      err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
    throw new CliError(
      timeout ? 'ERR_JWKS_TIMEOUT' : 'ERR_JWKS_INVALID',
      `cannot fetch the JWKS at ${url} (${reason})`,
    );
  }
  if (Buffer.byteLength(text) > MAX_JWKS_BYTES)
    throw new CliError('ERR_JWKS_INVALID', `the JWKS at ${url} is over 1 MiB`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliError('ERR_JWKS_INVALID', `the JWKS at ${url} is not JSON`);
  }
  if (typeof json !== 'object' || json === null || !Array.isArray((json as Jwks).keys)) {
    throw new CliError('ERR_JWKS_INVALID', `the document at ${url} is not a JWKS (no "keys" array)`);
  }
  return json as Jwks;
}

/** Something `verifyJwt` accepts: one key or a local key set. */
export type Verification = { kind: 'key'; key: Key } | { kind: 'set'; set: KeySet };

/**
 * Loads the keys to verify with: an http(s) JWKS URL, or a file (`-` = stdin) holding a JWKS, one JWK or a PEM key.
 *
 * @example
 * const keys = await loadVerificationKeys(ctx, 'http://127.0.0.1:8080/.well-known/jwks.json', ['ES256']);
 */
export async function loadVerificationKeys(
  ctx: CliContext,
  source: string,
  algs: readonly Alg[] | undefined,
): Promise<Verification> {
  const remote = /^https?:\/\//i.test(source);
  const text = remote ? JSON.stringify(await fetchJwks(ctx, source)) : await readFileArg(ctx, source, 'JWKS');
  try {
    if (text.trimStart().startsWith('-----BEGIN')) {
      if (algs?.length !== 1) throw new UsageError('a PEM key needs exactly one --alg');
      return { kind: 'key', key: importPem(text, algs[0] as Alg) };
    }
    const json = parseJsonArg(text, `JWKS file ${source}`) as Partial<Jwks> & Jwk;
    if (Array.isArray(json.keys)) return { kind: 'set', set: createLocalKeySet(json as Jwks) };
    const alg = algs?.length === 1 ? algs[0] : undefined;
    return { kind: 'key', key: importJwk(json, alg === undefined ? {} : { alg }) };
  } catch (err) {
    if (err instanceof UsageError) throw err;
    return keyError(err, source);
  }
}
