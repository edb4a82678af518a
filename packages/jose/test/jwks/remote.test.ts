import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import {
  createRemoteKeySet,
  createSigner,
  createVerifier,
  exportJwk,
  generateKeyPair,
  type Jwks,
  verifyCompact,
  verifyJwt,
} from '@signet/jose';
import { rejectsCode, throwsTypeError } from '../helpers.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let handler: Handler = (_req, res) => res.end('{}');
let hits = 0;
let server: Server;
let base: string;

before(async () => {
  server = createServer((req, res) => {
    hits++;
    // No keep-alive: a test that kills connections must not break the next test's request.
    res.setHeader('connection', 'close');
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

function serve(jwks: unknown, status = 200): void {
  handler = (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(typeof jwks === 'string' ? jwks : JSON.stringify(jwks));
  };
}

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000_000;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

const k1 = generateKeyPair('ES256', { kid: 'k1' });
const k2 = generateKeyPair('ES256', { kid: 'k2' });
const jwks1: Jwks = { keys: [exportJwk(k1.publicKey)] };
const jwks12: Jwks = { keys: [exportJwk(k1.publicKey), exportJwk(k2.publicKey)] };
const t1 = createSigner(k1.privateKey)({ sub: 'one' });
const t2 = createSigner(k2.privateKey)({ sub: 'two' });

test('fetches once, verifies asynchronously, reports status', async () => {
  serve(jwks1);
  hits = 0;
  const c = clock();
  const events: string[] = [];
  const set = createRemoteKeySet(`${base}/jwks`, { now: c.now, onFetch: (r) => events.push(r) });
  assert.equal(set.url, `${base}/jwks`);
  assert.equal(set.status().keys, 0);
  const verify = createVerifier(set);
  const pending = verify(t1);
  assert.ok(pending instanceof Promise);
  assert.equal((await pending).payload.sub, 'one');
  assert.equal((await verifyJwt(t1, set)).payload.sub, 'one');
  assert.equal(Buffer.from((await verifyCompact(t1, set)).payload).length > 0, true);
  assert.equal(hits, 1);
  assert.deepEqual(events, ['ok']);
  assert.deepEqual(set.status(), {
    lastFetchAt: c.now(),
    lastSuccessAt: c.now(),
    stale: false,
    keys: 1,
    lastError: undefined,
  });
});

test('refetches after cacheMaxAge', async () => {
  serve(jwks1);
  hits = 0;
  const c = clock();
  const set = createRemoteKeySet(base, { now: c.now, cacheMaxAge: 1000 });
  await set.select({ alg: 'ES256', kid: 'k1' });
  c.advance(999);
  await set.select({ alg: 'ES256', kid: 'k1' });
  assert.equal(hits, 1);
  c.advance(1);
  await set.select({ alg: 'ES256', kid: 'k1' });
  assert.equal(hits, 2);
});

test('unknown kid: one refetch per cooldown, shared by concurrent callers (single-flight)', async () => {
  serve(jwks1);
  hits = 0;
  const c = clock();
  const set = createRemoteKeySet(base, { now: c.now, cooldown: 30_000 });
  const verify = createVerifier(set);
  await verify(t1);
  assert.equal(hits, 1);
  // k2 appears on the server (rotation) but within the cooldown: no refetch, unknown kid fails
  serve(jwks12);
  await rejectsCode(verify(t2), 'ERR_JWKS_NO_MATCHING_KEY');
  assert.equal(hits, 1);
  c.advance(30_000);
  const results = await Promise.all(Array.from({ length: 20 }, () => verify(t2)));
  assert.ok(results.every((r) => r.payload.sub === 'two'));
  assert.equal(hits, 2);
  // random kids cannot amplify requests
  const forged = createSigner(generateKeyPair('ES256', { kid: 'nope' }).privateKey)({});
  for (let i = 0; i < 5; i++) await rejectsCode(verify(forged), 'ERR_JWKS_NO_MATCHING_KEY');
  assert.equal(hits, 2);
});

test('concurrent first use shares one fetch', async () => {
  serve(jwks1);
  hits = 0;
  const set = createRemoteKeySet(base);
  await Promise.all(Array.from({ length: 10 }, () => set.select({ alg: 'ES256', kid: 'k1' })));
  assert.equal(hits, 1);
});

test('serves the last good set during an outage, up to maxStale', async () => {
  serve(jwks1);
  hits = 0;
  const c = clock();
  const events: string[] = [];
  const set = createRemoteKeySet(base, {
    now: c.now,
    cacheMaxAge: 1000,
    maxStale: 10_000,
    cooldown: 2000,
    onFetch: (r) => events.push(r),
  });
  await set.reload();
  serve('down', 503);
  c.advance(1500);
  assert.equal((await set.select({ alg: 'ES256', kid: 'k1' })).kid, 'k1');
  assert.equal(set.status().stale, true);
  assert.equal(set.status().lastError, 'ERR_JWKS_INVALID');
  assert.equal(hits, 2);
  // within the cooldown the failing source is not hammered
  c.advance(500);
  await set.select({ alg: 'ES256', kid: 'k1' });
  assert.equal(hits, 2);
  c.advance(9000); // 11 s after the last success: past cacheMaxAge + maxStale
  await rejectsCode(set.select({ alg: 'ES256', kid: 'k1' }), 'ERR_JWKS_INVALID');
  assert.deepEqual(events, ['ok', 'error', 'error']);
  // recovery
  serve(jwks1);
  c.advance(5000);
  assert.equal((await set.select({ alg: 'ES256', kid: 'k1' })).kid, 'k1');
  assert.equal(set.status().stale, false);
  assert.equal(set.status().lastError, undefined);
});

test('timeout → ERR_JWKS_TIMEOUT and onFetch("timeout")', async () => {
  handler = () => {
    // never answers
  };
  const events: string[] = [];
  const set = createRemoteKeySet(base, { timeout: 100, onFetch: (r) => events.push(r) });
  await rejectsCode(set.reload(), 'ERR_JWKS_TIMEOUT');
  assert.deepEqual(events, ['timeout']);
  assert.equal(set.status().lastError, 'ERR_JWKS_TIMEOUT');
  server.closeAllConnections();
});

test('a slow body counts against the timeout too', async () => {
  handler = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"keys":[');
  };
  await rejectsCode(createRemoteKeySet(base, { timeout: 100 }).reload(), 'ERR_JWKS_TIMEOUT');
  server.closeAllConnections();
});

test('response size cap, declared or streamed → ERR_JWKS_INVALID', async () => {
  const big = JSON.stringify({ keys: [], pad: 'x'.repeat(5000) });
  serve(big);
  await rejectsCode(createRemoteKeySet(base, { maxBytes: 1000 }).reload(), 'ERR_JWKS_INVALID');
  handler = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }); // chunked, no content-length
    for (let i = 0; i < 10; i++) res.write(' '.repeat(500));
    res.end(JSON.stringify({ keys: [] }));
  };
  await rejectsCode(createRemoteKeySet(base, { maxBytes: 1000 }).reload(), 'ERR_JWKS_INVALID');
  serve(big);
  await createRemoteKeySet(base, { maxBytes: 10_000 }).reload();
});

test('bad documents → ERR_JWKS_INVALID; bad entries are skipped', async () => {
  for (const body of ['not json', '[]', '{"keys":{}}', '{}', '{"keys":[],"keys":[]}', 'null']) {
    serve(body);
    await rejectsCode(createRemoteKeySet(base).reload(), 'ERR_JWKS_INVALID');
  }
  serve(jwks1, 404);
  await rejectsCode(createRemoteKeySet(base).reload(), 'ERR_JWKS_INVALID');
  serve({ keys: [{ kty: 'EC', kid: 'broken' }, { ...exportJwk(k2.publicKey), use: 'enc' }, ...jwks1.keys] });
  const set = createRemoteKeySet(base);
  await set.reload();
  assert.equal(set.status().keys, 1);
  assert.equal((await createVerifier(set)(t1)).key.kid, 'k1');
  await rejectsCode(createVerifier(set)(t2), 'ERR_JWKS_NO_MATCHING_KEY');
});

test('redirects are not followed: the URL is fixed by configuration', async () => {
  handler = (_req, res) => {
    res.writeHead(302, { location: 'https://attacker.example/jwks' });
    res.end();
  };
  await rejectsCode(createRemoteKeySet(base).reload(), 'ERR_JWKS_INVALID');
});

test('unreachable host → ERR_JWKS_INVALID', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  await rejectsCode(createRemoteKeySet(`http://127.0.0.1:${port}/`).reload(), 'ERR_JWKS_INVALID');
});

test('injected fetch and headers are used', async () => {
  const seen: { url: string; accept: string | null; auth: string | null }[] = [];
  const fakeFetch = (async (url: string | URL | Request, init?: RequestInit) => {
    const h = new Headers(init?.headers);
    seen.push({ url: String(url), accept: h.get('accept'), auth: h.get('x-api') });
    return new Response(JSON.stringify(jwks1), { status: 200 });
  }) as typeof fetch;
  const set = createRemoteKeySet('https://issuer.example/jwks', {
    fetch: fakeFetch,
    headers: { 'x-api': 'v' },
  });
  await set.reload();
  assert.equal(seen.length, 1);
  assert.equal(seen[0]?.url, 'https://issuer.example/jwks');
  assert.equal(seen[0]?.auth, 'v');
  assert.match(String(seen[0]?.accept), /json/);
});

test('a throwing onFetch hook does not break fetching', async () => {
  serve(jwks1);
  const set = createRemoteKeySet(base, {
    onFetch: () => {
      throw new Error('metrics down');
    },
  });
  await set.reload();
  assert.equal(set.status().keys, 1);
});

test('misuse → TypeError', () => {
  throwsTypeError(() => createRemoteKeySet('file:///etc/passwd'), 'url');
  throwsTypeError(() => createRemoteKeySet('ftp://x/jwks'), 'url');
  throwsTypeError(() => createRemoteKeySet('/relative'), 'url');
  throwsTypeError(() => createRemoteKeySet(base, { timeout: 0 }), 'timeout');
  throwsTypeError(() => createRemoteKeySet(base, { cooldown: -1 }), 'cooldown');
  throwsTypeError(() => createRemoteKeySet(base, { maxBytes: 1.5 }), 'maxBytes');
  throwsTypeError(() => createRemoteKeySet(base, { headers: { a: 1 } as never }), 'headers');
  throwsTypeError(() => createRemoteKeySet(base, { fetch: 'x' as never }), 'fetch');
  throwsTypeError(() => createRemoteKeySet(base, { ttl: 5 } as never), 'ttl');
});

test('no key set yet and a failing source: at most one request per cooldown, failing fast in between', async () => {
  serve('down', 500);
  hits = 0;
  const c = clock();
  const set = createRemoteKeySet(base, { now: c.now, cooldown: 10_000 });
  await rejectsCode(set.select({ alg: 'ES256', kid: 'k1' }), 'ERR_JWKS_INVALID');
  for (let i = 0; i < 5; i++) await rejectsCode(set.select({ alg: 'ES256', kid: 'k1' }), 'ERR_JWKS_INVALID');
  assert.equal(hits, 1);
  serve(jwks1);
  c.advance(10_000);
  assert.equal((await set.select({ alg: 'ES256', kid: 'k1' })).kid, 'k1');
  assert.equal(hits, 2);
});

test('verifyNow answers without I/O only when the keys are loaded and fresh', async () => {
  const { privateKey, publicKey } = generateKeyPair('ES256', { kid: 'now-1' });
  const other = generateKeyPair('ES256', { kid: 'now-2' });
  serve({ keys: [exportJwk(publicKey)] });
  const c = clock();
  const jwks = createRemoteKeySet(`${base}/now`, { now: c.now, cacheMaxAge: 1000 });
  const verify = createVerifier(jwks, { now: c.now });
  const token = createSigner(privateKey)({ sub: 'a' });
  const start = hits;
  assert.equal(verify.verifyNow(token), undefined, 'nothing loaded yet: the caller must wait');
  assert.equal(hits, start, 'verifyNow never fetches');
  assert.equal((await verify(token)).payload.sub, 'a');
  assert.equal(verify.verifyNow(token)?.payload.sub, 'a', 'keys loaded: the result, synchronously');
  // A bad signature is thrown synchronously, as the async verifier would reject.
  const dot = token.lastIndexOf('.');
  const tampered = `${token.slice(0, dot + 1)}${token[dot + 1] === 'A' ? 'B' : 'A'}${token.slice(dot + 2)}`;
  assert.throws(() => verify.verifyNow(tampered), { code: 'ERR_JWS_SIGNATURE_INVALID' });
  // An unknown kid may be a new key: only the asynchronous path may refetch.
  assert.equal(verify.verifyNow(createSigner(other.privateKey)({})), undefined);
  c.advance(1000);
  assert.equal(verify.verifyNow(token), undefined, 'stale keys: the asynchronous path refreshes them');
  assert.equal(hits, start + 1);
});

test('verifyNow serves a cached token without looking at the keys', async () => {
  const { privateKey, publicKey } = generateKeyPair('ES256', { kid: 'now-3' });
  serve({ keys: [exportJwk(publicKey)] });
  const c = clock();
  const jwks = createRemoteKeySet(`${base}/now-cache`, { now: c.now, cacheMaxAge: 1000 });
  const verify = createVerifier(jwks, { now: c.now, cache: { key: 'token' } });
  const token = createSigner(privateKey)({ sub: 'b' });
  const first = await verify(token);
  c.advance(1000); // keys stale, token still cached
  assert.equal(verify.verifyNow(token), first);
});
