import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from '../../src/index.js';
import { toOAuthError } from '../../src/http/error-handler.js';
import { StoreUnavailableError } from '../../src/store/index.js';
import { basic, startTestServer } from '../helpers/server.js';

describe('health', () => {
  it('reports ready, then 503 while closing; livez stays up', async () => {
    const t = await startTestServer();
    const ready = await t.server.public.inject({ url: '/readyz' });
    assert.equal(ready.statusCode, 200);
    assert.deepEqual(JSON.parse(ready.body), {
      status: 'ok',
      checks: { database: 'ok', signingKey: 'ok', migrations: 'ok', shutdown: 'ok' },
    });
    assert.equal((await t.server.admin.inject({ url: '/readyz' })).statusCode, 200);
    assert.equal((await t.server.public.inject({ url: '/livez' })).statusCode, 200);
    const closing = t.server.close();
    const during = await t.server.public.inject({ url: '/readyz' });
    assert.equal(during.statusCode, 503);
    assert.equal(JSON.parse(during.body).checks.shutdown, 'shutting_down');
    await closing;
    await t.close();
  });

  it('maps an unreachable store to 503 with Retry-After, never 500', () => {
    const e = toOAuthError(new StoreUnavailableError('down'));
    assert.equal(e.status, 503);
    assert.equal(e.error, 'temporarily_unavailable');
    assert.equal(e.headers['retry-after'], '5');
  });
});

describe('logs', () => {
  it('never contain a client secret, an admin token or an access token', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const logger = createLogger('trace', sink);
    const t = await startTestServer({}, { logger });
    try {
      const c = await t.createClient({ name: 'log', scopes: ['a'], audiences: ['https://a'] });
      const secret = c.client_secret!;
      const ok = await t.token(
        { grant_type: 'client_credentials' },
        { authorization: basic(c.client.client_id, secret) },
      );
      const token = String(ok.body.access_token);
      await t.token(
        { grant_type: 'client_credentials', scope: 'zzz' },
        { authorization: basic(c.client.client_id, secret) },
      );
      await t.token({
        grant_type: 'client_credentials',
        client_id: c.client.client_id,
        client_secret: `${secret}x`,
      });
      await t.token(
        `grant_type=client_credentials&client_id=${c.client.client_id}&client_secret=${secret}&client_secret=${secret}`,
      );
      await t.server.public.inject({
        method: 'POST',
        url: '/introspect',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: basic(c.client.client_id, secret),
        },
        payload: `token=${token}`,
      });
      const all = lines.join('');
      assert.ok(lines.length > 0, 'something was logged');
      assert.ok(all.includes('request refused'), 'refusals are logged');
      assert.ok(!all.includes(secret), 'no client secret in the logs');
      assert.ok(!all.includes(token), 'no access token in the logs');
      assert.ok(!all.includes(token.split('.')[2]!), 'no token signature in the logs');
      assert.ok(!all.includes(t.adminToken), 'no admin token in the logs');
    } finally {
      await t.close();
    }
  });
});
