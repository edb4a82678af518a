/**
 * A small real issuer for guard tests: discovery metadata and a JWKS served by node:http on a loopback port,
 * tokens signed with @signet/jose. Counts every fetch so tests can assert the guard's fetch discipline.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Alg, createSigner, exportJwk, generateKeyPair, type JwtClaims, type Key } from '@signet/jose';

export interface FixtureIssuer {
  readonly issuer: string;
  readonly port: number;
  /** JWKS fetches served so far. */
  readonly jwksFetches: number;
  /** Metadata fetches served so far, by path. */
  readonly metadataFetches: Record<string, number>;
  /** Signs an access token with the current signing key. */
  sign(claims?: JwtClaims, options?: SignOptions): string;
  /** Publishes a new key; `activate` also makes it the signing key. Returns its kid. */
  addKey(alg?: Alg, activate?: boolean): string;
  /** Makes a published key the signing key. */
  activate(kid: string): void;
  /** Removes a key from the JWKS. */
  removeKey(kid: string): void;
  /** A key pair that is never published (for unknown-kid tokens). */
  unpublishedSigner(options?: SignOptions): (claims?: JwtClaims) => string;
  /** Options changing what the issuer serves. */
  settings: {
    jwksDelayMs: number;
    oauthMetadata: boolean;
    metadataIssuer: string | undefined;
    jwksStatus: number;
  };
  stop(): Promise<void>;
  /** Listens again on the same port after `stop()`. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface SignOptions {
  audience?: string | string[];
  expiresIn?: number;
  typ?: string;
  now?: () => number;
  kid?: string;
  issuer?: string;
  /** Set a `jti`; default true. */
  jti?: boolean;
}

export const AUDIENCE = 'orders';

export async function startIssuer(
  options: { now?: () => number; alg?: Alg; path?: string } = {},
): Promise<FixtureIssuer> {
  const keys = new Map<string, { privateKey: Key; publicKey: Key }>();
  let signingKid = '';
  const addKey = (alg: Alg = options.alg ?? 'ES256', activate = false): string => {
    const pair = generateKeyPair(alg);
    const kid = pair.publicKey.kid!;
    keys.set(kid, pair);
    if (activate || signingKid === '') signingKid = kid;
    return kid;
  };
  addKey();
  let jwksFetches = 0;
  const metadataFetches: Record<string, number> = {};
  const settings = {
    jwksDelayMs: 0,
    oauthMetadata: true,
    metadataIssuer: undefined as string | undefined,
    jwksStatus: 200,
  };
  let issuer = '';
  const path = options.path ?? '';

  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const metadata = () => ({
      issuer: settings.metadataIssuer ?? issuer,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      token_endpoint: `${issuer}/token`,
    });
    if (url === `/.well-known/oauth-authorization-server${path}`) {
      metadataFetches[url] = (metadataFetches[url] ?? 0) + 1;
      return settings.oauthMetadata ? json(200, metadata()) : json(404, { error: 'not_found' });
    }
    if (url === `${path}/.well-known/openid-configuration`) {
      metadataFetches[url] = (metadataFetches[url] ?? 0) + 1;
      return json(200, metadata());
    }
    if (url === `${path}/.well-known/jwks.json`) {
      jwksFetches++;
      const body = { keys: [...keys.values()].map((k) => exportJwk(k.publicKey)) };
      setTimeout(() => json(settings.jwksStatus, body), settings.jwksDelayMs);
      return;
    }
    json(404, { error: 'not_found' });
  });

  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  await listen();
  issuer = `http://127.0.0.1:${port}${path}`;

  const signerFor = (key: Key, o: SignOptions) => {
    const clock = o.now ?? options.now ?? Date.now;
    const expiresIn = o.expiresIn ?? 300;
    // A negative lifetime means "already expired": sign in the past with a 60 s lifetime.
    const shift = expiresIn < 0 ? expiresIn * 1000 - 60_000 : 0;
    return createSigner(key, {
      typ: o.typ ?? 'at+jwt',
      expiresIn: expiresIn < 0 ? 60 : expiresIn,
      issuer: o.issuer ?? issuer,
      audience: o.audience ?? AUDIENCE,
      jti: o.jti ?? true,
      now: () => clock() + shift,
    });
  };

  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });

  return {
    issuer,
    port,
    get jwksFetches() {
      return jwksFetches;
    },
    metadataFetches,
    settings,
    sign(claims = {}, o = {}) {
      const kid = o.kid ?? signingKid;
      const pair = keys.get(kid);
      if (pair === undefined) throw new Error(`no key ${kid}`);
      return signerFor(
        pair.privateKey,
        o,
      )({ sub: 'service-a', client_id: 'service-a', scope: 'orders:read', ...claims });
    },
    addKey,
    activate(kid) {
      if (!keys.has(kid)) throw new Error(`no key ${kid}`);
      signingKid = kid;
    },
    removeKey(kid) {
      keys.delete(kid);
    },
    unpublishedSigner(o = {}) {
      const { privateKey } = generateKeyPair(options.alg ?? 'ES256');
      const sign = signerFor(privateKey, o);
      return (claims = {}) =>
        sign({ sub: 'service-a', client_id: 'service-a', scope: 'orders:read', ...claims });
    },
    stop,
    start: listen,
    close: stop,
  };
}
