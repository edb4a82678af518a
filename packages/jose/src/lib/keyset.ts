/**
 * Internal protocol between key sets and verifiers. A verifier asks a key set for the candidate
 * keys of a header (by `kid` and `alg` only); the public `select` is the single-key form of it.
 */
import type { Key } from './key.js';

/** The header fields a key set selects by: never `jwk`, `jku`, `x5u` or `x5c`. */
export interface KeySelector {
  readonly alg: string;
  readonly kid?: string | undefined;
}

/** Brand and candidate lookup of local key sets. */
export const LOCAL: unique symbol = Symbol('signet.jose.localKeySet');
/** Brand and candidate lookup of remote key sets. */
export const REMOTE: unique symbol = Symbol('signet.jose.remoteKeySet');

/** A set of keys; selection is by `kid` and `alg`, exactly one match. */
export interface KeySet {
  /**
   * The one key for this header.
   * @throws {JwksNoMatchingKey} / {JwksMultipleMatchingKeys}
   */
  select(header: KeySelector): Key;
  /** The keys of the set that are bound to an algorithm. */
  readonly keys: readonly Key[];
}

/** Internal view of a local key set. */
export interface LocalKeySetInternal {
  /** Keys to try, in order; one unless the duplicate-`kid` policy is `try-all`. Throws like `select`. */
  candidates(header: KeySelector): readonly Key[];
}

/** Internal view of a remote key set. */
export interface RemoteKeySetInternal {
  candidates(header: KeySelector): Promise<readonly Key[]>;
  /**
   * The candidates when they are known without any I/O: the set is loaded and younger than
   * `cacheMaxAge`, and a key matches. `undefined` whenever `candidates` could fetch (nothing loaded,
   * stale, unknown `kid`): the caller then takes the asynchronous path, which owns every refetch rule.
   */
  candidatesNow(header: KeySelector): readonly Key[] | undefined;
}

/** True for a local key set made by this package. */
export function isLocalKeySet(v: unknown): v is KeySet & { [LOCAL]: LocalKeySetInternal } {
  return typeof v === 'object' && v !== null && LOCAL in v;
}

/** True for a remote key set made by this package. */
export function isRemoteKeySet(v: unknown): v is { [REMOTE]: RemoteKeySetInternal } {
  return typeof v === 'object' && v !== null && REMOTE in v;
}

/** Health of a remote key set, for readiness checks and metrics. */
export interface RemoteKeySetStatus {
  readonly lastFetchAt: number | undefined;
  readonly lastSuccessAt: number | undefined;
  /** True when serving keys older than `cacheMaxAge` because refreshing failed. */
  readonly stale: boolean;
  readonly keys: number;
  /** Error code of the last failed fetch, cleared by a success. */
  readonly lastError: string | undefined;
}

/** A key set fetched from a fixed URL. */
export interface RemoteKeySet {
  /** The one key for this header, fetching or refetching the set as needed. */
  select(header: KeySelector): Promise<Key>;
  /** Fetches the set now (single-flight with any fetch in progress). */
  reload(): Promise<void>;
  status(): RemoteKeySetStatus;
  readonly url: string;
  readonly [REMOTE]: RemoteKeySetInternal;
}
