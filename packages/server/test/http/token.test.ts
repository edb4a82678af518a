import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { basic, startTestServer, type TestServer } from '../helpers/server.js';

describe('POST /token', () => {
  let t: TestServer;
  let id: string;
  let secret: string;
  const scopes = ['orders:read', 'orders:write'];
  const audiences = ['https://s2.example', 'https://s3.example'];

  before(async () => {
    t = await startTestServer();
    const c = await t.createClient({ name: 's1', scopes, audiences });
    id = c.client.client_id;
    secret = c.client_secret!;
  });
  after(() => t.close());

  const auth = () => ({ authorization: basic(id, secret) });

  async function jwks() {
    const res = await t.server.public.inject({ url: '/.well-known/jwks.json' });
    return createLocalJWKSet(JSON.parse(res.body));
  }

  it('issues an RFC 9068 token with client_secret_basic', async () => {
    const res = await t.token({ grant_type: 'client_credentials' }, auth());
    assert.equal(res.status, 200);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.headers['pragma'], 'no-cache');
    assert.equal(res.body.token_type, 'Bearer');
    assert.equal(res.body.expires_in, 300);
    assert.equal(res.body.scope, 'orders:read orders:write');
    const { payload, protectedHeader } = await jwtVerify(String(res.body.access_token), await jwks(), {
      issuer: 'http://localhost:8080',
      audience: audiences[0]!,
      typ: 'at+jwt',
      algorithms: ['ES256'],
      currentDate: new Date(t.clock.now()),
    });
    assert.equal(protectedHeader.alg, 'ES256');
    assert.equal(typeof protectedHeader.kid, 'string');
    assert.equal(payload.sub, id);
    assert.equal(payload.client_id, id);
    assert.equal(payload.scope, 'orders:read orders:write');
    assert.equal(payload.exp, payload.iat! + 300);
    assert.match(String(payload.jti), /^[A-Za-z0-9_-]{12}$/);
  });

  it('issues with client_secret_post, narrowing scope and choosing audiences', async () => {
    const res = await t.token({
      grant_type: 'client_credentials',
      client_id: id,
      client_secret: secret,
      scope: 'orders:read',
      resource: audiences,
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.scope, 'orders:read');
    const { payload } = await jwtVerify(String(res.body.access_token), await jwks(), {
      currentDate: new Date(t.clock.now()),
    });
    assert.deepEqual(payload.aud, audiences);
  });

  it('decodes form-urlencoded credentials inside Basic (RFC 6749 §2.3.1)', async () => {
    const escapedId = id
      .split('')
      .map((c) => `%${c.charCodeAt(0).toString(16)}`)
      .join('');
    const header = `Basic ${Buffer.from(`${escapedId}:${secret}`).toString('base64')}`;
    const res = await t.token({ grant_type: 'client_credentials' }, { authorization: header });
    assert.equal(res.status, 200);
  });

  const cases: [
    string,
    () => Promise<{ status: number; body: Record<string, unknown>; headers: Record<string, unknown> }>,
    number,
    string,
  ][] = [
    ['missing grant_type', () => t.token({ scope: 'orders:read' }, auth()), 400, 'invalid_request'],
    [
      'duplicated grant_type',
      () => t.token('grant_type=client_credentials&grant_type=client_credentials', auth()),
      400,
      'invalid_request',
    ],
    [
      'duplicated scope',
      () => t.token('grant_type=client_credentials&scope=orders:read&scope=orders:read', auth()),
      400,
      'invalid_request',
    ],
    [
      'oversized parameter',
      () => t.token({ grant_type: 'client_credentials', scope: 'a'.repeat(3000) }, auth()),
      400,
      'invalid_request',
    ],
    [
      'bad percent-encoding',
      () => t.token('grant_type=client_credentials&scope=%E0%A4%A', auth()),
      400,
      'invalid_request',
    ],
    [
      'wrong content type',
      async () => {
        const res = await t.server.public.inject({
          method: 'POST',
          url: '/token',
          headers: { 'content-type': 'application/json', ...auth() },
          payload: JSON.stringify({ grant_type: 'client_credentials' }),
        });
        return { status: res.statusCode, body: JSON.parse(res.body), headers: res.headers };
      },
      400,
      'invalid_request',
    ],
    [
      'no body',
      async () => {
        const res = await t.server.public.inject({ method: 'POST', url: '/token', headers: auth() });
        return { status: res.statusCode, body: JSON.parse(res.body), headers: res.headers };
      },
      400,
      'invalid_request',
    ],
    [
      'huge body',
      () => t.token(`grant_type=client_credentials&${'x=1&'.repeat(10_000)}`, auth()),
      413,
      'invalid_request',
    ],
    [
      'malformed Basic (not base64)',
      () => t.token({ grant_type: 'client_credentials' }, { authorization: 'Basic !!!' }),
      400,
      'invalid_request',
    ],
    [
      'malformed Basic (no colon)',
      () =>
        t.token(
          { grant_type: 'client_credentials' },
          { authorization: `Basic ${Buffer.from('nocolon').toString('base64')}` },
        ),
      400,
      'invalid_request',
    ],
    ['unknown grant', () => t.token({ grant_type: 'password' }, auth()), 400, 'unsupported_grant_type'],
    [
      'two authentication methods',
      () => t.token({ grant_type: 'client_credentials', client_id: id, client_secret: secret }, auth()),
      400,
      'invalid_request',
    ],
    [
      'scope widening',
      () => t.token({ grant_type: 'client_credentials', scope: 'orders:read admin' }, auth()),
      400,
      'invalid_scope',
    ],
    [
      'bad audience',
      () => t.token({ grant_type: 'client_credentials', audience: 'https://evil.example' }, auth()),
      400,
      'invalid_target',
    ],
    [
      'one bad resource among good ones',
      () =>
        t.token(
          { grant_type: 'client_credentials', resource: [audiences[0]!, 'https://evil.example'] },
          auth(),
        ),
      400,
      'invalid_target',
    ],
    [
      'no client authentication',
      () => t.token({ grant_type: 'client_credentials', client_id: id }),
      401,
      'invalid_client',
    ],
  ];
  for (const [name, run, status, error] of cases) {
    it(`refuses ${name} with ${status} ${error}`, async () => {
      const res = await run();
      assert.equal(res.status, status);
      assert.equal(res.body.error, error);
      assert.equal(typeof res.body.error_description, 'string');
      assert.equal(res.headers['cache-control'], 'no-store');
    });
  }

  it('answers 401 invalid_client with WWW-Authenticate for a wrong secret, an unknown or a disabled client', async () => {
    const other = await t.createClient({ name: 'off', scopes, audiences });
    await t.admin('POST', `/admin/clients/${other.client.client_id}/disable`);
    for (const header of [
      basic(id, 'wrong'),
      basic('nobody', secret),
      basic(other.client.client_id, other.client_secret!),
    ]) {
      const res = await t.token({ grant_type: 'client_credentials' }, { authorization: header });
      assert.equal(res.status, 401);
      assert.equal(res.body.error, 'invalid_client');
      assert.match(String(res.headers['www-authenticate']), /^Basic realm=/);
    }
    const post = await t.token({ grant_type: 'client_credentials', client_id: id, client_secret: 'wrong' });
    assert.equal(post.status, 401);
    assert.equal(post.headers['www-authenticate'], undefined);
  });

  it('applies the per-client lifetime', async () => {
    const c = await t.createClient({ name: 'short', audiences, tokenTtl: 60 });
    const res = await t.token(
      { grant_type: 'client_credentials' },
      { authorization: basic(c.client.client_id, c.client_secret!) },
    );
    assert.equal(res.body.expires_in, 60);
    assert.equal(res.body.scope, undefined);
  });
});
