/**
 * Remote key sets: a JWKS fetched from a URL fixed by configuration (never taken from a token),
 * cached, refreshed on unknown `kid` at most once per cooldown, single-flight, with a bounded
 * stale window during outages.
 */
import { defaults } from '../defaults.js';
import {
  JoseError,
  JwksInvalid,
  JwksMultipleMatchingKeys,
  JwksNoMatchingKey,
  JwksTimeout,
} from '../errors.js';
import { isJsonObject, parseStrictJson } from '../lib/json.js';
import type { Key } from '../lib/key.js';
import {
  type KeySelector,
  type KeySet,
  LOCAL,
  type LocalKeySetInternal,
  REMOTE,
  type RemoteKeySet,
  type RemoteKeySetInternal,
  type RemoteKeySetStatus,
} from '../lib/keyset.js';
import {
  checkKnownOptions,
  optionalFunction,
  optionalNumber,
  optionalPositiveInteger,
} from '../lib/options.js';
import type { Jwks } from '../jwk/import.js';
import { createLocalKeySet } from './local.js';

/** Options of {@link createRemoteKeySet}. */
export interface RemoteKeySetOptions {
  /** Request timeout in ms (whole request including the body). Default 5000. */
  timeout?: number;
  /** How long a fetched set is fresh, in ms. Default 600000 (10 min). */
  cacheMaxAge?: number;
  /** Minimum interval between refetches triggered by an unknown `kid` or a failed refresh, in ms. Default 30000. */
  cooldown?: number;
  /** How long past `cacheMaxAge` the last good set is served while fetches fail, in ms. Default 3600000. */
  maxStale?: number;
  /** Response size cap in bytes. Default 1 MiB. */
  maxBytes?: number;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** Injectable `fetch`. */
  fetch?: typeof fetch;
  /** Injectable clock in ms. */
  now?: () => number;
  /** Called after every fetch attempt, e.g. for metrics. */
  onFetch?: (result: 'ok' | 'error' | 'timeout') => void;
  /** Duplicate-`kid` policy of the fetched set (see createLocalKeySet). Default `reject`. */
  duplicateKid?: 'reject' | 'try-all';
}

/** Defaults of {@link createRemoteKeySet} (the same object as `defaults.remoteKeySet`). */
export const REMOTE_KEY_SET_DEFAULTS = defaults.remoteKeySet;

const OPTION_NAMES = [
  'timeout',
  'cacheMaxAge',
  'cooldown',
  'maxStale',
  'maxBytes',
  'headers',
  'fetch',
  'now',
  'onFetch',
  'duplicateKid',
] as const;

interface Settings {
  timeout: number;
  cacheMaxAge: number;
  cooldown: number;
  maxStale: number;
  maxBytes: number;
  headers: Record<string, string>;
  fetch: typeof fetch;
  now: () => number;
  onFetch: ((result: 'ok' | 'error' | 'timeout') => void) | undefined;
  duplicateKid: 'reject' | 'try-all';
}

async function readCapped(res: Response, maxBytes: number): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw new JwksInvalid('JWKS response is too large');
  if (res.body === null) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new JwksInvalid('JWKS response is too large');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

class RemoteKeySetImpl implements RemoteKeySet {
  readonly url: string;
  readonly [REMOTE]: RemoteKeySetInternal;
  readonly #s: Settings;
  #set: (KeySet & { [LOCAL]: LocalKeySetInternal }) | undefined;
  #lastFetchAt: number | undefined;
  #lastSuccessAt: number | undefined;
  #lastError: string | undefined;
  #inflight: Promise<void> | undefined;
  #memo = new WeakMap<KeySelector, { readonly set: object; readonly keys: readonly Key[] }>();

  constructor(url: string, settings: Settings) {
    this.url = url;
    this.#s = settings;
    this[REMOTE] = {
      candidates: (header) => this.#candidates(header),
      candidatesNow: (header) => this.#candidatesNow(header),
    };
  }

  /** One fetch at a time: concurrent callers share the promise in flight. */
  #fetch(): Promise<void> {
    if (this.#inflight === undefined) {
      this.#inflight = this.#doFetch().finally(() => {
        this.#inflight = undefined;
      });
    }
    return this.#inflight;
  }

  async #doFetch(): Promise<void> {
    const s = this.#s;
    this.#lastFetchAt = s.now();
    let result: 'ok' | 'error' | 'timeout' = 'error';
    try {
      const signal = AbortSignal.timeout(s.timeout);
      let text: string;
      try {
        const res = await s.fetch(this.url, {
          headers: { accept: 'application/json, application/jwk-set+json', ...s.headers },
          signal,
          // A redirect could move the key source somewhere else: the URL is fixed by configuration.
          redirect: 'error',
        });
        if (!res.ok) {
          await res.body?.cancel().catch(() => {});
          throw new JwksInvalid(`JWKS fetch failed with HTTP ${res.status}`);
        }
        text = await readCapped(res, s.maxBytes);
      } catch (e) {
        if (signal.aborted) throw new JwksTimeout('JWKS fetch timed out');
        if (e instanceof JoseError) throw e;
        throw new JwksInvalid('JWKS fetch failed');
      }
      const parsed = parseStrictJson(text);
      if (!parsed.ok || !isJsonObject(parsed.value) || !Array.isArray(parsed.value.keys)) {
        throw new JwksInvalid('JWKS response is not a JSON object with a "keys" array');
      }
      this.#set = createLocalKeySet(parsed.value as unknown as Jwks, {
        duplicateKid: s.duplicateKid,
      }) as KeySet & {
        [LOCAL]: LocalKeySetInternal;
      };
      this.#lastSuccessAt = s.now();
      this.#lastError = undefined;
      result = 'ok';
    } catch (e) {
      result = e instanceof JwksTimeout ? 'timeout' : 'error';
      this.#lastError = e instanceof JoseError ? e.code : 'ERR_JWKS_INVALID';
      throw e;
    } finally {
      try {
        s.onFetch?.(result);
      } catch {
        // A metrics hook must never break verification.
      }
    }
  }

  /** A usable set: fresh, or refreshed, or stale within `maxStale` while refreshing fails. */
  async #current(): Promise<KeySet & { [LOCAL]: LocalKeySetInternal }> {
    const s = this.#s;
    const now = s.now();
    const set = this.#set;
    const age = this.#lastSuccessAt === undefined ? Number.POSITIVE_INFINITY : now - this.#lastSuccessAt;
    if (set !== undefined && age < s.cacheMaxAge) return set;
    const canStale = set !== undefined && age < s.cacheMaxAge + s.maxStale;
    // While the source fails, retry at most once per cooldown instead of on every request: serve
    // the stale set if there is one within bounds, else fail fast without another request.
    if (
      this.#lastError !== undefined &&
      this.#lastFetchAt !== undefined &&
      now - this.#lastFetchAt < s.cooldown
    ) {
      if (canStale) return set;
      if (this.#inflight === undefined) {
        const Err = this.#lastError === JwksTimeout.code ? JwksTimeout : JwksInvalid;
        throw new Err('JWKS unavailable: the last fetch failed less than "cooldown" ago');
      }
    }
    try {
      await this.#fetch();
    } catch (e) {
      if (canStale) return set;
      throw e;
    }
    return this.#set as KeySet & { [LOCAL]: LocalKeySetInternal };
  }

  #candidatesNow(header: KeySelector): readonly Key[] | undefined {
    const set = this.#set;
    const at = this.#lastSuccessAt;
    if (set === undefined || at === undefined || this.#s.now() - at >= this.#s.cacheMaxAge) return undefined;
    // Decoded headers are shared objects (one per distinct header segment): remember their keys
    // for as long as the set they were found in is the current one.
    const memo = this.#memo.get(header);
    if (memo !== undefined && memo.set === set) return memo.keys;
    let keys: readonly Key[];
    try {
      keys = set[LOCAL].candidates(header);
    } catch (e) {
      if (e instanceof JwksNoMatchingKey) return undefined; // maybe a new key: the async path refetches
      throw e;
    }
    this.#memo.set(header, { set, keys });
    return keys;
  }

  async #candidates(header: KeySelector): Promise<readonly Key[]> {
    const set = await this.#current();
    try {
      return set[LOCAL].candidates(header);
    } catch (e) {
      if (!(e instanceof JwksNoMatchingKey)) throw e;
      const last = this.#lastFetchAt;
      // Key rotation: an unknown kid may be a new key. Refetch, but at most once per cooldown so
      // tokens with random kids cannot turn the verifier into a request amplifier.
      if (this.#inflight === undefined && last !== undefined && this.#s.now() - last < this.#s.cooldown)
        throw e;
      try {
        await this.#fetch();
      } catch {
        throw e;
      }
      return (this.#set as KeySet & { [LOCAL]: LocalKeySetInternal })[LOCAL].candidates(header);
    }
  }

  async select(header: KeySelector): Promise<Key> {
    const found = await this.#candidates(header);
    if (found.length > 1)
      throw new JwksMultipleMatchingKeys('several keys in the key set match the token "kid" and "alg"');
    return found[0] as Key;
  }

  reload(): Promise<void> {
    return this.#fetch();
  }

  status(): RemoteKeySetStatus {
    const now = this.#s.now();
    return {
      lastFetchAt: this.#lastFetchAt,
      lastSuccessAt: this.#lastSuccessAt,
      stale: this.#lastSuccessAt !== undefined && now - this.#lastSuccessAt >= this.#s.cacheMaxAge,
      keys: this.#set?.keys.length ?? 0,
      lastError: this.#lastError,
    };
  }
}

/**
 * A key set fetched from `url` (fixed here, never taken from a token), for `createVerifier`.
 *
 * @throws {TypeError} for a URL that is not `https:` or `http:`, or invalid options.
 * @example
 * ```ts
 * const jwks = createRemoteKeySet('https://auth.example/.well-known/jwks.json');
 * const verify = createVerifier(jwks, { issuer: 'https://auth.example', audience: 'api' });
 * const { payload } = await verify(token);
 * ```
 */
export function createRemoteKeySet(url: string | URL, options: RemoteKeySetOptions = {}): RemoteKeySet {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    throw new TypeError('"url" must be an absolute URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new TypeError('"url" must be https: or http:');
  checkKnownOptions(options, OPTION_NAMES, 'remote key set options');
  const d = REMOTE_KEY_SET_DEFAULTS;
  const headers = options.headers ?? {};
  if (
    typeof headers !== 'object' ||
    headers === null ||
    Object.values(headers).some((v) => typeof v !== 'string')
  ) {
    throw new TypeError('"headers" must be an object of strings');
  }
  const duplicateKid = options.duplicateKid ?? 'reject';
  if (duplicateKid !== 'reject' && duplicateKid !== 'try-all') {
    throw new TypeError('"duplicateKid" must be "reject" or "try-all"');
  }
  const fetchFn = optionalFunction<typeof fetch>(options.fetch, 'fetch') ?? globalThis.fetch;
  return new RemoteKeySetImpl(parsed.href, {
    timeout: optionalPositiveInteger(options.timeout, 'timeout') ?? d.timeout,
    cacheMaxAge: optionalNumber(options.cacheMaxAge, 'cacheMaxAge') ?? d.cacheMaxAge,
    cooldown: optionalNumber(options.cooldown, 'cooldown') ?? d.cooldown,
    maxStale: optionalNumber(options.maxStale, 'maxStale') ?? d.maxStale,
    maxBytes: optionalPositiveInteger(options.maxBytes, 'maxBytes') ?? d.maxBytes,
    headers: { ...headers },
    fetch: fetchFn,
    now: optionalFunction<() => number>(options.now, 'now') ?? Date.now,
    onFetch: optionalFunction<(r: 'ok' | 'error' | 'timeout') => void>(options.onFetch, 'onFetch'),
    duplicateKid,
  });
}
