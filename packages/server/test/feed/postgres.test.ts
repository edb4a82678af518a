/**
 * The feed on PostgreSQL with two replicas: revocations committed concurrently on both reach a stream
 * on either replica in sequence order, each exactly once. This is the ordering hazard of sequences
 * (a seq is handed out at INSERT, visible at COMMIT: a reader past seq 7 would never see a late 6);
 * `addRevocation` holds an advisory lock from nextval() to COMMIT, so visibility order = seq order.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { type PostgresServer, startPostgres } from '../helpers/postgres.js';
import { basic, startTestServer, type TestServer } from '../helpers/server.js';
import { openSse } from './sse.js';

const pg: PostgresServer = await startPostgres();
after(() => pg.stop());

describe('revocation feed on PostgreSQL, two replicas', { timeout: 120_000 }, () => {
  test('concurrent revocations on both replicas arrive on every stream in seq order, exactly once', async () => {
    const database = await pg.createDatabase();
    const kek = randomBytes(32).toString('base64url');
    // A slow safety poll: delivery across replicas must come from LISTEN/NOTIFY.
    const flags = { database, kek, feed: { keepAliveMs: 15_000, pollIntervalMs: 600_000, maxLag: 100_000 } };
    const replicas: TestServer[] = [await startTestServer(flags)];
    replicas.push(await startTestServer(flags));
    try {
      const urls = await Promise.all(replicas.map(async (r) => (await r.server.listen()).publicUrl));
      const feed = await replicas[0]!.createClient({ name: 'feed', capabilities: ['revocations'] });
      const auth = basic(feed.client.client_id, feed.client_secret!);
      const streams = await Promise.all(
        urls.map((u) => openSse(`${u}/revocations/stream`, { authorization: auth })),
      );
      await streams[0]!.until(() => streams.every((s) => s.comments.includes('ok')));

      const acked: number[] = [];
      await Promise.all(
        Array.from({ length: 200 }, async (_, i) => {
          const r = await replicas[i % 2]!.admin('POST', '/admin/revocations', {
            kind: 'jti',
            value: `pg-${i}`,
          });
          assert.equal(r.status, 201);
          acked.push(r.body.revocation.seq as number);
        }),
      );
      acked.sort((x, y) => x - y);
      assert.equal(new Set(acked).size, 200, 'distinct seqs');
      for (const s of streams) {
        await s.until(() => s.events.length >= 200, 15_000);
        const ids = s.events.map((e) => Number(e.id));
        assert.deepEqual(ids, acked, 'every acknowledged seq once, in order');
      }
      for (const s of streams) s.close();
    } finally {
      for (const r of replicas) await r.close();
    }
  });
});
