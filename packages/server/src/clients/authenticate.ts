import type { AuditQueue } from '../audit/queue.js';
import { invalidRequest, OAuthError } from '../errors.js';
import { type Form, param } from '../http/form.js';
import type { Metrics } from '../metrics/registry.js';
import type { ClientAuthMethod } from '../store/types.js';
import { isBasic, parseBasic } from './basic.js';
import type { CachedClient, ClientCache } from './cache.js';
import { AssertionRejected, type AssertionVerifier, assertionIssuer, JWT_BEARER } from './private-key-jwt.js';
import { secretMatches } from './secret.js';
import type { FailureThrottle } from './throttle.js';

/** An authenticated client and how it authenticated. */
export interface AuthenticatedClient {
  client: CachedClient;
  method: ClientAuthMethod;
}

/** What the authenticator needs from a request. */
export interface AuthInput {
  authorization: string | undefined;
  form: Form;
  ip: string;
}

export interface ClientAuthenticatorOptions {
  clients: ClientCache;
  assertions: AssertionVerifier;
  throttle: FailureThrottle;
  audit: AuditQueue;
  metrics: Metrics;
  /** Clock in milliseconds. */
  now: () => number;
}

/**
 * Client authentication at the token, introspection and revocation endpoints: `client_secret_basic`
 * (RFC 6749 §2.3.1), `client_secret_post`, `private_key_jwt` (RFC 7523 §2.2). Exactly one method
 * per request. Failures are counted per client_id and per address; past the limit the caller gets
 * 429 with `Retry-After` before any secret is checked (stops online guessing).
 */
export class ClientAuthenticator {
  readonly #o: ClientAuthenticatorOptions;

  constructor(options: ClientAuthenticatorOptions) {
    this.#o = options;
  }

  #throttled(key: string): void {
    const wait = this.#o.throttle.retryAfter(key);
    if (wait > 0) {
      throw new OAuthError(429, 'slow_down', 'too many failed client authentications; retry later', {
        detail: `throttled ${key.startsWith('c:') ? 'client' : 'address'}`,
        headers: { 'retry-after': String(wait) },
      });
    }
  }

  #fail(
    input: AuthInput,
    clientId: string | undefined,
    method: string,
    reason: string,
    basic: boolean,
  ): never {
    this.#o.throttle.fail(`a:${input.ip}`);
    if (clientId !== undefined) this.#o.throttle.fail(`c:${clientId}`);
    this.#o.metrics.authFailures.labels(method).inc();
    this.#o.audit.record({
      at: Math.floor(this.#o.now() / 1000),
      type: 'client.auth_failed',
      clientId: clientId === undefined ? null : clientId.slice(0, 64),
      data: { reason, method, ip: input.ip },
    });
    throw new OAuthError(401, 'invalid_client', 'client authentication failed', {
      detail: reason,
      // RFC 6749 §5.2: a client that used the Authorization header gets a 401 with WWW-Authenticate.
      headers: basic ? { 'www-authenticate': 'Basic realm="signet", charset="UTF-8"' } : {},
    });
  }

  /**
   * Authenticates the client of a request.
   *
   * @example
   * const { client } = await auth.authenticate({ authorization: req.headers.authorization, form, ip: req.ip });
   */
  async authenticate(input: AuthInput): Promise<AuthenticatedClient> {
    const { form } = input;
    const hasBasic = input.authorization !== undefined && input.authorization !== '';
    const postSecret = param(form, 'client_secret');
    const assertion = param(form, 'client_assertion');
    const assertionType = param(form, 'client_assertion_type');
    const bodyClientId = param(form, 'client_id');
    const used =
      Number(hasBasic) +
      Number(postSecret !== undefined) +
      Number(assertion !== undefined || assertionType !== undefined);
    if (used > 1) throw invalidRequest('more than one client authentication method was used');
    this.#throttled(`a:${input.ip}`);

    if (hasBasic) {
      if (!isBasic(input.authorization!)) {
        this.#fail(input, undefined, 'client_secret_basic', 'unsupported authorization scheme', true);
      }
      const { clientId, secret } = parseBasic(input.authorization!);
      if (bodyClientId !== undefined && bodyClientId !== clientId) {
        throw invalidRequest('client_id in the body differs from the Authorization header');
      }
      return this.#secret(input, clientId, secret, 'client_secret_basic', true);
    }
    if (postSecret !== undefined) {
      if (bodyClientId === undefined) throw invalidRequest('"client_id" is missing');
      return this.#secret(input, bodyClientId, postSecret, 'client_secret_post', false);
    }
    if (assertion !== undefined || assertionType !== undefined) {
      if (assertionType !== JWT_BEARER) throw invalidRequest('unsupported "client_assertion_type"');
      if (assertion === undefined) throw invalidRequest('"client_assertion" is missing');
      return this.#assertion(input, bodyClientId, assertion);
    }
    this.#fail(input, bodyClientId, 'none', 'no client authentication', false);
  }

  async #secret(
    input: AuthInput,
    clientId: string,
    secret: string,
    method: ClientAuthMethod,
    basic: boolean,
  ): Promise<AuthenticatedClient> {
    this.#throttled(`c:${clientId}`);
    const client = await this.#o.clients.get(clientId);
    if (client === undefined) this.#fail(input, clientId, method, 'unknown client', basic);
    const r = client.record;
    if (r.authMethod === 'private_key_jwt')
      this.#fail(input, clientId, method, 'client must use private_key_jwt', basic);
    let ok = secretMatches(secret, client.secretDigest);
    if (!ok && client.previousDigest !== undefined && r.previousSecretExpiresAt !== null) {
      ok = this.#o.now() < r.previousSecretExpiresAt * 1000 && secretMatches(secret, client.previousDigest);
    }
    if (!ok) this.#fail(input, clientId, method, 'wrong secret', basic);
    if (r.disabled) this.#fail(input, clientId, method, 'client disabled', basic);
    return { client, method };
  }

  async #assertion(
    input: AuthInput,
    bodyClientId: string | undefined,
    assertion: string,
  ): Promise<AuthenticatedClient> {
    const method = 'private_key_jwt';
    const iss = assertionIssuer(assertion);
    if (iss === undefined) this.#fail(input, bodyClientId, method, 'assertion is not a JWT with iss', false);
    if (bodyClientId !== undefined && bodyClientId !== iss) {
      this.#fail(input, bodyClientId, method, 'client_id differs from assertion iss', false);
    }
    this.#throttled(`c:${iss}`);
    const client = await this.#o.clients.get(iss);
    if (client === undefined) this.#fail(input, iss, method, 'unknown client', false);
    if (client.record.authMethod !== 'private_key_jwt')
      this.#fail(input, iss, method, 'client uses a secret', false);
    if (client.record.disabled) this.#fail(input, iss, method, 'client disabled', false);
    try {
      await this.#o.assertions.verify(client, assertion);
    } catch (err) {
      if (err instanceof AssertionRejected) this.#fail(input, iss, method, err.reason, false);
      throw err;
    }
    return { client, method };
  }
}
