import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
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

  test('a statement blocked past statement_timeout fails with ERR_STORE_UNAVAILABLE instead of hanging', async () => {
    const url = await server.createDatabase();
    const store = await createStore(url, { statementTimeoutMs: 300 });
    const blocker = new pg.Client({ connectionString: url });
    try {
      await store.migrate();
      await blocker.connect();
      await blocker.query('begin');
      await blocker.query('lock table clients in access exclusive mode');
      await assert.rejects(store.getClient('c'), { code: 'ERR_STORE_UNAVAILABLE' });
      await blocker.query('rollback');
      assert.equal(await store.getClient('c'), undefined);
    } finally {
      await blocker.end();
      await store.close();
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

    test('writes during a crash-restart: every acknowledged one survives, the others fail as unavailable', async () => {
      const store = await createStore(down.url, { connectTimeoutMs: 1000 });
      try {
        await store.migrate();
        const acked: number[] = [];
        const otherErrors: unknown[] = [];
        let unavailable = 0;
        let writing = true;
        const writer = async (w: number): Promise<void> => {
          for (let i = 0; writing; i++) {
            try {
              acked.push((await store.addRevocation(revocation(`w${w}-${i}`))).seq);
            } catch (error) {
              if (isStoreUnavailable(error)) unavailable++;
              else otherErrors.push(error);
              await new Promise((resolve) => setTimeout(resolve, 20));
            }
          }
        };
        const writers = Array.from({ length: 4 }, (_, w) => writer(w));
        try {
          await until(() => acked.length >= 20);
          await down.restart('immediate');
          const resumedFrom = acked.length;
          await until(() => acked.length >= resumedFrom + 20);
        } finally {
          writing = false;
          await Promise.all(writers);
        }
        assert.deepEqual(otherErrors, []);
        const stored = new Set((await store.readRevocations(0, 0, 100_000)).map((r) => r.seq));
        for (const seq of acked) assert.ok(stored.has(seq), `acknowledged seq ${seq} lost`);
        assert.ok(unavailable >= 0);
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
