/**
 * Local key sets (RFC 7517 §5): selection by `kid` and `alg` only, exactly one match.
 */
import { JwksMultipleMatchingKeys, JwksNoMatchingKey, KeyInvalid } from '../errors.js';
import { type Alg, ALG_NAMES, algSpec } from '../lib/algorithms.js';
import type { Key } from '../lib/key.js';
import { type KeySelector, type KeySet, LOCAL, type LocalKeySetInternal } from '../lib/keyset.js';
import { importJwk, type Jwk, type Jwks } from '../jwk/import.js';

/** Options of {@link createLocalKeySet}. */
export interface LocalKeySetOptions {
  /**
   * What to do when several keys match a token's `kid` and `alg` (or a token without `kid` matches
   * several keys): `reject` (default) throws JwksMultipleMatchingKeys; `try-all` tries each.
   */
  duplicateKid?: 'reject' | 'try-all';
}

/**
 * One JWKS entry; an entry without `alg` (RSA, oct) binds lazily to each algorithm its type allows.
 * An entry that cannot be imported stays as a "poisoned" entry: it never verifies, but it still
 * counts when deciding whether a `kid` is ambiguous, so an invalid duplicate cannot hide.
 */
interface Entry {
  readonly jwk: Jwk;
  readonly poisoned: boolean;
  readonly kid: string | undefined;
  readonly fixed: Key | undefined;
  readonly lazy: Map<string, Key | null> | undefined;
}

const FAMILY_ALGS: Record<string, readonly Alg[]> = {
  RSA: ALG_NAMES.filter((a) => a.startsWith('RS') || a.startsWith('PS')),
  oct: ALG_NAMES.filter((a) => a.startsWith('HS')),
};

function tryImport(jwk: Jwk, alg?: Alg): Key | undefined {
  try {
    return importJwk(jwk, alg === undefined ? {} : { alg });
  } catch {
    return undefined;
  }
}

function makeEntry(jwk: unknown): Entry | undefined {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) return undefined;
  const j = jwk as Jwk;
  const kid = typeof j.kid === 'string' ? j.kid : undefined;
  const poisoned = (): Entry => ({ jwk: j, poisoned: true, kid, fixed: undefined, lazy: undefined });
  if (j.kid !== undefined && kid === undefined) return undefined;
  const lazyFamily = j.alg === undefined ? FAMILY_ALGS[j.kty] : undefined;
  if (lazyFamily !== undefined) {
    // Validate once with the first algorithm of the family.
    if (tryImport(j, lazyFamily[0]) === undefined) return poisoned();
    return { jwk: j, poisoned: false, kid, fixed: undefined, lazy: new Map() };
  }
  const fixed = tryImport(j);
  return fixed === undefined ? poisoned() : { jwk: j, poisoned: false, kid, fixed, lazy: undefined };
}

function keyFor(entry: Entry, alg: string): Key | undefined {
  if (entry.fixed !== undefined) return entry.fixed.alg === alg ? entry.fixed : undefined;
  const lazy = entry.lazy as Map<string, Key | null>;
  const cached = lazy.get(alg);
  if (cached !== undefined) return cached ?? undefined;
  const spec = algSpec(alg);
  const key =
    spec !== undefined && FAMILY_ALGS[entry.jwk.kty]?.includes(spec.alg)
      ? tryImport(entry.jwk, spec.alg)
      : undefined;
  lazy.set(alg, key ?? null);
  return key;
}

class LocalKeySet implements KeySet {
  readonly keys: readonly Key[];
  readonly [LOCAL]: LocalKeySetInternal;
  readonly #entries: readonly Entry[];
  readonly #tryAll: boolean;

  constructor(entries: Entry[], tryAll: boolean) {
    this.#entries = entries;
    this.#tryAll = tryAll;
    this.keys = Object.freeze(entries.flatMap((e) => (e.fixed === undefined ? [] : [e.fixed])));
    this[LOCAL] = { candidates: (header) => this.#candidates(header) };
  }

  #candidates(header: KeySelector): readonly Key[] {
    const { alg, kid } = header;
    const found: Key[] = [];
    let ambiguous = false;
    for (const entry of this.#entries) {
      if (kid !== undefined && entry.kid !== kid) continue;
      if (entry.poisoned) {
        // Same kid, and an alg that is absent or equal: a second candidate we cannot use.
        if (kid !== undefined && (entry.jwk.alg === undefined || entry.jwk.alg === alg)) ambiguous = true;
        continue;
      }
      const key = keyFor(entry, alg);
      if (key !== undefined) found.push(key);
    }
    if (ambiguous && found.length > 0 && !this.#tryAll) {
      throw new JwksMultipleMatchingKeys('several keys in the key set match the token "kid" and "alg"');
    }
    if (found.length === 0)
      throw new JwksNoMatchingKey('no key in the key set matches the token "kid" and "alg"');
    if (found.length > 1 && !this.#tryAll) {
      throw new JwksMultipleMatchingKeys('several keys in the key set match the token "kid" and "alg"');
    }
    return found;
  }

  select(header: KeySelector): Key {
    const found = this.#candidates(header);
    if (found.length > 1)
      throw new JwksMultipleMatchingKeys('several keys in the key set match the token "kid" and "alg"');
    return found[0] as Key;
  }
}

/**
 * Builds a key set from a JWKS. Entries that cannot be imported (weak, unknown, `use: enc`…) are
 * skipped. Entries without `alg` (RSA, oct) bind to the algorithm a token asks for within their
 * type (RS256…PS512 or HS256…HS512); EC and OKP keys bind to their curve's algorithm.
 *
 * @throws {TypeError} when `jwks` is not `{ keys: [...] }`.
 * @throws {KeyInvalid} when the set mixes secret (`oct`) and asymmetric keys.
 * @example
 * ```ts
 * const keys = createLocalKeySet({ keys: [exportJwk(publicKey)] });
 * const verify = createVerifier(keys, { issuer: 'https://auth.example' });
 * ```
 */
export function createLocalKeySet(jwks: Jwks, options: LocalKeySetOptions = {}): KeySet {
  if (typeof jwks !== 'object' || jwks === null || !Array.isArray(jwks.keys)) {
    throw new TypeError('"jwks" must be an object with a "keys" array');
  }
  const policy = options.duplicateKid ?? 'reject';
  if (policy !== 'reject' && policy !== 'try-all')
    throw new TypeError('"duplicateKid" must be "reject" or "try-all"');
  // A set that mixes secrets with asymmetric keys is refused: a public JWKS must never carry
  // secrets, and a mixed set invites algorithm confusion (RS256 public key vs HS256 secret).
  const ktys = new Set(jwks.keys.map((k) => (typeof k === 'object' && k !== null ? k.kty : undefined)));
  if (ktys.has('oct') && (ktys.has('RSA') || ktys.has('EC') || ktys.has('OKP'))) {
    throw new KeyInvalid('key set mixes secret (oct) and asymmetric keys');
  }
  const entries: Entry[] = [];
  for (const jwk of jwks.keys) {
    const entry = makeEntry(jwk);
    if (entry !== undefined) entries.push(entry);
  }
  return new LocalKeySet(entries, policy === 'try-all');
}
