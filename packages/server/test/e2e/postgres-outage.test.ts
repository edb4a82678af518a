import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type PostgresServer, startPostgres } from '../helpers/postgres.js';
import { basic, realClock, startTestServer, type TestServer } from '../helpers/server.js';

/** The Auth service on PostgreSQL, and what a client sees while the database is down. */
describe('on PostgreSQL, through an outage', () => {
  let pg: PostgresServer;
  let t: TestServer;
  before(async () => {
    pg = await startPostgres();
    t = await startTestServer({ database: await pg.createDatabase('outage') }, { clock: realClock() });
  });
  after(async () => {
    await t?.close();
    await pg?.stop();
  });

  it('issues tokens, answers 503 with Retry-After while the database is down, and recovers', async () => {
    const cached = await t.createClient({ name: 'cached', audiences: ['https://a'] });
    const cold = await t.createClient({ name: 'cold', audiences: ['https://a'] });
    const grant = (c: typeof cached) =>
      t.token(
        { grant_type: 'client_credentials' },
        { authorization: basic(c.client.client_id, c.client_secret!) },
      );
    assert.equal((await grant(cached)).status, 200);

    await pg.shutdown('immediate');
    const res = await grant(cold);
    assert.equal(res.status, 503);
    assert.equal(res.body.error, 'temporarily_unavailable');
    assert.ok(Number(res.headers['retry-after']) > 0);
    assert.equal((await grant(cached)).status, 200, 'a cached client keeps getting tokens');
    const ready = await t.server.public.inject({ url: '/readyz' });
    assert.equal(ready.statusCode, 503);
    assert.equal(JSON.parse(ready.body).checks.database, 'unavailable');
    const admin = await t.admin('GET', '/admin/clients');
    assert.equal(admin.status, 503);

    await pg.start();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await grant(cold)).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(status, 200);
    assert.equal((await t.server.public.inject({ url: '/readyz' })).statusCode, 200);
  });
});
