/**
 * Two real `signet serve` replicas on one PostgreSQL database share keys, clients and revocations:
 * a token from one verifies with the other's JWKS (jose, a client nobody here wrote), a client
 * created on one authenticates at the other, and a revocation posted to one reaches a guard that
 * follows the other's feed, with the same sequence numbers on both, so a `Last-Event-ID` from one
 * resumes on the other.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createGuard, createRevocationFeed } from '@signet/guard';
import * as oracle from 'jose';
import { openSse } from '../feed/sse.js';
import { basic, type Cluster, type Replica, request, startCluster, waitFor } from './cluster.js';

const AUD = 'https://orders.example';

test('two replicas on one PostgreSQL database', { timeout: 120_000 }, async (t) => {
  let cluster: Cluster | undefined;
  t.after(() => cluster?.close());
  cluster = await startCluster();
  // B finds the database through SIGNET_DATABASE_URL, A through --db.
  const [a, b] = await Promise.all([cluster.start('a'), cluster.start('b', { databaseVia: 'env' })]);
  const issuer = cluster.issuer;

  const createClient = async (on: Replica, body: Record<string, unknown>) => {
    const r = await on.admin('POST', '/admin/clients', body);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return { id: r.body.client.client_id as string, secret: r.body.client_secret as string };
  };

  await t.test('a token from one replica verifies with the JWKS of the other, both ways', async () => {
    const c = await createClient(a, { name: 's1', scopes: ['orders:read'], audiences: [AUD] });
    // Created through A's admin API, authenticates at B (and A).
    const fromA = await a.token(c.id, c.secret, { audience: AUD });
    const fromB = await b.token(c.id, c.secret, { audience: AUD });
    assert.equal(fromA.status, 200, JSON.stringify(fromA.body));
    assert.equal(fromB.status, 200, JSON.stringify(fromB.body));
    const jwksA = oracle.createRemoteJWKSet(new URL(`${a.publicUrl}/.well-known/jwks.json`));
    const jwksB = oracle.createRemoteJWKSet(new URL(`${b.publicUrl}/.well-known/jwks.json`));
    const opts = { issuer, audience: AUD, typ: 'at+jwt', algorithms: ['ES256'] };
    const vA = await oracle.jwtVerify(fromA.body.access_token, jwksB, opts);
    const vB = await oracle.jwtVerify(fromB.body.access_token, jwksA, opts);
    assert.equal(vA.payload.client_id, c.id);
    assert.equal(vB.payload.client_id, c.id);
    assert.equal(vA.protectedHeader.kid, vB.protectedHeader.kid, 'both replicas sign with the same key');
    const [ja, jb] = await Promise.all([
      request(`${a.publicUrl}/.well-known/jwks.json`),
      request(`${b.publicUrl}/.well-known/jwks.json`),
    ]);
    assert.deepEqual(ja.body, jb.body, 'the same JWKS on both replicas');
    // Both discovery documents name the one issuer.
    const meta = await request(`${b.publicUrl}/.well-known/oauth-authorization-server`);
    assert.equal((meta.body as { issuer: string }).issuer, issuer);
  });

  await t.test('a client disabled on one replica stops authenticating at the other', async () => {
    const c = await createClient(b, { name: 'short-lived', audiences: [AUD] });
    assert.equal((await a.token(c.id, c.secret)).status, 200);
    assert.equal((await b.admin('POST', `/admin/clients/${c.id}/disable`)).status, 200);
    // A caches client records for clientAuth.cacheTtl (5 s): the change must arrive within that bound.
    const started = Date.now();
    const refused = await waitFor(
      'A to refuse the disabled client',
      async () => {
        const r = await a.token(c.id, c.secret);
        return r.status === 200 ? undefined : r;
      },
      10_000,
      200,
    );
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error, 'invalid_client');
    t.diagnostic(`a client disabled on B was refused by A after ${Date.now() - started} ms`);
  });

  await t.test(
    'a revocation posted to B reaches a guard following A; seqs are the same on both',
    async () => {
      const feedClient = await createClient(a, { name: 'rs-feed', capabilities: ['revocations'] });
      const s1 = await createClient(a, { name: 's1-rev', scopes: ['orders:read'], audiences: [AUD] });
      const feed = createRevocationFeed({
        url: a.publicUrl,
        clientId: feedClient.id,
        clientSecret: feedClient.secret,
      });
      t.after(() => feed.close());
      const guard = createGuard({
        issuer,
        audience: AUD,
        jwks: { uri: `${a.publicUrl}/.well-known/jwks.json` },
        feed,
      });
      await feed.ready(10_000);

      const victim = await b.token(s1.id, s1.secret, { audience: AUD });
      const bystander = await b.token(s1.id, s1.secret, { audience: AUD });
      assert.equal(victim.status, 200);
      const victimJti = (await guard.verify(victim.body.access_token)).jti as string;
      await guard.verify(bystander.body.access_token);

      const auth = basic(feedClient.id, feedClient.secret);
      const streamA = await openSse(`${a.publicUrl}/revocations/stream`, { authorization: auth });
      const streamB = await openSse(`${b.publicUrl}/revocations/stream`, { authorization: auth });
      t.after(() => {
        streamA.close();
        streamB.close();
      });
      assert.equal(streamA.status, 200);
      await streamA.until(() => streamA.comments.includes('ok') && streamB.comments.includes('ok'));

      const posted = Date.now();
      const r = await b.admin('POST', '/admin/revocations', {
        kind: 'jti',
        value: victimJti,
        reason: 'test',
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const seq = r.body.revocation.seq as number;
      assert.equal(typeof seq, 'number');
      await waitFor('the guard on A to apply the revocation', () =>
        feed.status().lastSeq >= seq ? true : undefined,
      );
      t.diagnostic(`revocation posted to B applied by a guard following A after ${Date.now() - posted} ms`);
      await assert.rejects(guard.verify(victim.body.access_token), { status: 401 });
      await guard.verify(bystander.body.access_token);

      // More revocations, alternately on both replicas: both streams carry the same ids in the same order.
      const acked = [seq];
      for (let i = 0; i < 10; i++) {
        const on = i % 2 === 0 ? a : b;
        const x = await on.admin('POST', '/admin/revocations', { kind: 'jti', value: `share-${i}` });
        assert.equal(x.status, 201);
        acked.push(x.body.revocation.seq as number);
      }
      for (const s of [streamA, streamB]) await s.until(() => s.events.length >= 11, 10_000);
      const idsA = streamA.events.map((e) => Number(e.id));
      const idsB = streamB.events.map((e) => Number(e.id));
      assert.deepEqual(idsA, acked, 'A delivers every acknowledged seq once, in order');
      assert.deepEqual(idsB, idsA, 'B delivers the same seqs');
      assert.deepEqual(
        streamA.events.map((e) => e.data),
        streamB.events.map((e) => e.data),
        'the same entries on both replicas',
      );

      // Resume on B with a Last-Event-ID obtained from A: exactly what followed, nothing before.
      const resumeAt = streamA.events[4]?.id as string;
      streamA.close();
      const resumed = await openSse(`${b.publicUrl}/revocations/stream`, {
        authorization: auth,
        'last-event-id': resumeAt,
      });
      t.after(() => resumed.close());
      await resumed.until(() => resumed.events.length >= acked.length - 5, 10_000);
      assert.deepEqual(
        resumed.events.map((e) => Number(e.id)),
        acked.slice(5),
      );
      // And the guard following A received all of them too.
      await waitFor('the guard to reach the last seq', () =>
        feed.status().lastSeq >= (acked.at(-1) as number) ? true : undefined,
      );
      assert.equal(feed.counters.duplicates, 0);
    },
  );
});
