import { randomBytes } from 'node:crypto';
import type { KeyManager } from '../keys/manager.js';

/** What goes into one access token. */
export interface AccessTokenRequest {
  /** `sub`: the client itself for client_credentials. */
  subject: string;
  clientId: string;
  audience: string[];
  scope: string[];
  ttl: number;
  /** Seconds since the epoch. */
  now: number;
  /** Extra claims (e.g. `cnf` for DPoP). */
  extra?: Record<string, unknown>;
}

/** One issued token and what the audit log records of it. */
export interface IssuedToken {
  token: string;
  jti: string;
  exp: number;
  kid: string;
}

const JTI_BYTES = 9;
const POOL = 256;

/**
 * Issues RFC 9068 JWT access tokens: header `typ: at+jwt` and `kid`; claims `iss`, `sub`, `aud`,
 * `exp`, `iat`, `jti`, `client_id`, `scope`. Signing uses the key manager's prepared signer.
 */
export class AccessTokenIssuer {
  readonly #issuer: string;
  readonly #keys: KeyManager;
  readonly #ttl: { defaultTtl: number; maxTtl: number };
  #pool = Buffer.alloc(0);
  #offset = 0;

  constructor(issuer: string, keys: KeyManager, ttl: { defaultTtl: number; maxTtl: number }) {
    this.#issuer = issuer;
    this.#keys = keys;
    this.#ttl = ttl;
  }

  /** A client's token lifetime: its override or the default, never above `maxTtl`. */
  ttlFor(clientTtl: number | null): number {
    return Math.min(clientTtl ?? this.#ttl.defaultTtl, this.#ttl.maxTtl);
  }

  /** A fresh `jti`: 72 random bits (12 characters; no collision in 10^10 tokens), from a pooled buffer. */
  #jti(): string {
    if (this.#offset + JTI_BYTES > this.#pool.length) {
      this.#pool = randomBytes(JTI_BYTES * POOL);
      this.#offset = 0;
    }
    const s = this.#pool.toString('base64url', this.#offset, this.#offset + JTI_BYTES);
    this.#offset += JTI_BYTES;
    return s;
  }

  /**
   * Signs one access token.
   *
   * @example
   * const { token } = issuer.issue({ subject: id, clientId: id, audience: ['https://s2'], scope: ['a'], ttl: 300, now });
   */
  issue(req: AccessTokenRequest): IssuedToken {
    const signer = this.#keys.signer(req.now);
    const jti = this.#jti();
    const exp = req.now + req.ttl;
    const claims: Record<string, unknown> = {
      iss: this.#issuer,
      sub: req.subject,
      aud: req.audience.length === 1 ? req.audience[0] : req.audience,
      exp,
      iat: req.now,
      jti,
      client_id: req.clientId,
    };
    if (req.scope.length > 0) claims['scope'] = req.scope.join(' ');
    if (req.extra) Object.assign(claims, req.extra);
    return { token: signer.sign(claims), jti, exp, kid: signer.kid };
  }
}
