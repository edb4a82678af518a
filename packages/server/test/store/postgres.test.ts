import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createStore, isStoreUnavailable, StoreUnavailableError } from '../../src/store/index.js';
import { type PostgresServer, startPostgres } from '../helpers/postgres.js';
import { revocation, runStoreConformance, until } from './conformance.js';

// Started at module load so the conformance cases below can use it; a missing PostgreSQL throws here
// and fails this file (never a skip).
const server: PostgresServer = await startPostgres();
after(() => server.stop());

runStoreConformance('postgres', () => server.createDatabase());

describe('postgres store', { timeout: 60_000 }, () => {
  test('replicas migrating one database at once apply each migration once', async () => {
    const url = await server.createDatabase();
    const stores = await Promise.all(Array.from({ length: 5 }, () => createStore(url)));
    try {
      await Promise.all(stores.map((s) => s.migrate()));
      for (const s of stores) assert.deepEqual((await s.migrationStatus()).pending, []);
      // Each migration recorded once.
      const applied = (await stores[0]!.migrationStatus()).applied;
      assert.equal(new Set(applied).size, applied.length);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  test('bigint columns come back as numbers', async () => {
    const store = await createStore(await server.createDatabase());
    try {
      await store.migrate();
      const r = await store.addRevocation(revocation('j', { expiresAt: 2 ** 40 }));
      assert.equal(typeof r.seq, 'number');
      const [read] = await store.readRevocations(0, 0, 1);
      assert.equal(read?.expiresAt, 2 ** 40);
      assert.equal(typeof (await store.lastRevocationSeq()), 'number');
    } finally {
      await store.close();
    }
  });

  test('a revocation committed on one replica wakes the watchers of another', async () => {
    const url = await server.createDatabase();
    const a = await createStore(url);
    const b = await createStore(url);
    try {
      await a.migrate();
      const woken: string[] = [];
      const stopA = await a.watchRevocations(() => woken.push('a'));
      const stopB = await b.watchRevocations(() => woken.push('b'));
      woken.length = 0;
      const r = await a.addRevocation(revocation('cross'));
      await until(() => woken.includes('b'));
      assert.deepEqual(
        (await b.readRevocations(r.seq - 1, 0, 10)).map((x) => x.value),
        ['cross'],
      );
      await stopA();
      await stopB();
    } finally {
      await a.close();
      await b.close();
    }
  });

  describe('while PostgreSQL is down', () => {
    let down: PostgresServer;
    before(async () => {
      down = await startPostgres();
    });
    after(() => down.stop());

    test('calls fail fast with ERR_STORE_UNAVAILABLE and the store recovers when it returns', async () => {
      const store = await createStore(down.url, { connectTimeoutMs: 1000 });
      try {
        await store.migrate();
        await store.ping();
        await down.shutdown('immediate');
        for (const call of [
          () => store.ping(),
          () => store.getClient('c'),
          () => store.addRevocation(revocation('lost')),
        ]) {
          await assert.rejects(call(), (error: unknown) => {
            assert.ok(error instanceof StoreUnavailableError);
            assert.equal(error.code, 'ERR_STORE_UNAVAILABLE');
            assert.ok(isStoreUnavailable(error));
            return true;
          });
        }
        await down.start();
        await store.ping();
        let woken = 0;
        const unsubscribe = await store.watchRevocations(() => {
          woken++;
        });
        await down.restart('immediate');
        await until(() => woken >= 2); // once on connect, once on reconnect
        const before = woken;
        const r = await store.addRevocation(revocation('after-restart'));
        await until(() => woken > before);
        await unsubscribe();
        assert.equal((await store.readRevocations(r.seq - 1, 0, 1))[0]?.value, 'after-restart');
      } finally {
        await store.close();
      }
    });

    test('a store opened while PostgreSQL is down is created, then fails, then works', async () => {
      await down.shutdown('fast');
      const store = await createStore(down.url, { connectTimeoutMs: 1000 });
      try {
        await assert.rejects(store.migrate(), { code: 'ERR_STORE_UNAVAILABLE' });
        await down.start();
        await store.migrate();
        await store.ping();
      } finally {
        await store.close();
      }
    });
  });
});
