/**
 * The storage conformance suite: every backend must pass the same cases (SQLite and PostgreSQL).
 * `freshDatabase()` returns the URL of an empty, unmigrated database; each case opens its own.
 */
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { provisionAdminTokens } from '../../src/admin/provision.js';
import type { Config } from '../../src/config/schema.js';
import { createStore } from '../../src/store/index.js';
import type {
  AuditEvent,
  ClientRecord,
  NewRevocation,
  SigningKeyRecord,
  Store,
} from '../../src/store/types.js';

/** A time past 2^31 seconds (year 2100): catches 32-bit columns and bigint-as-string drivers. */
const FAR = 4_102_444_800;

export function client(id: string, overrides: Partial<ClientRecord> = {}): ClientRecord {
  return {
    id,
    name: `service ${id}`,
    authMethod: 'client_secret_basic',
    secretHash: 'a'.repeat(64),
    previousSecretHash: null,
    previousSecretExpiresAt: null,
    jwks: null,
    jwksUri: null,
    scopes: ['orders:read', 'orders:write'],
    audiences: ['https://s2.example'],
    tokenTtl: null,
    capabilities: [],
    disabled: false,
    createdAt: 1000,
    updatedAt: 1000,
    ...overrides,
  };
}

export function key(kid: string, overrides: Partial<SigningKeyRecord> = {}): SigningKeyRecord {
  return {
    kid,
    alg: 'ES256',
    state: 'next',
    publicJwk: JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid }),
    privateKeyEnc: 'v1.enc',
    createdAt: 1000,
    activatesAt: 2000,
    retiresAt: 3000,
    removesAt: FAR,
    revokedAt: null,
    ...overrides,
  };
}

export function revocation(value: string, overrides: Partial<NewRevocation> = {}): NewRevocation {
  return { kind: 'jti', value, notBefore: null, expiresAt: FAR, reason: null, createdAt: 1000, ...overrides };
}

async function open(url: string, migrate = true): Promise<Store> {
  // Races below queue many calls on a pool; on a loaded machine waiting for a pooled connection can
  // pass the default 2 s (which answers ERR_STORE_UNAVAILABLE by design), and that is not under test.
  const store = await createStore(url, { connectTimeoutMs: 15_000 });
  if (migrate) await store.migrate();
  return store;
}

/** Polls `condition` (bounded: 10 s), for events that arrive over the network. */
export async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Runs the conformance cases against the backend behind `freshDatabase`. */
export function runStoreConformance(name: string, freshDatabase: () => Promise<string>): void {
  const withStore = async (fn: (store: Store, url: string) => Promise<void>): Promise<void> => {
    const url = await freshDatabase();
    const store = await open(url);
    try {
      await fn(store, url);
    } finally {
      await store.close();
    }
  };

  describe(`store conformance: ${name}`, { timeout: 60_000 }, () => {
    test('migrationStatus lists pending, migrate applies them, a second migrate is a no-op', async () => {
      const url = await freshDatabase();
      const store = await open(url, false);
      try {
        const before = await store.migrationStatus();
        assert.deepEqual(before.applied, []);
        assert.ok(before.pending.length >= 1);
        await store.migrate();
        const after = await store.migrationStatus();
        assert.deepEqual(after.pending, []);
        assert.deepEqual(after.applied, before.pending);
        await store.migrate();
        assert.deepEqual(await store.migrationStatus(), after);
        await store.ping();
      } finally {
        await store.close();
      }
    });

    test('clients: create, get, list, update, delete', () =>
      withStore(async (store) => {
        const a = client('c_a', { createdAt: 1000, capabilities: ['introspect'], tokenTtl: 600 });
        const b = client('c_b', {
          createdAt: 2000,
          authMethod: 'private_key_jwt',
          secretHash: null,
          jwksUri: 'https://s1.example/jwks.json',
          updatedAt: FAR,
        });
        await store.createClient(b);
        await store.createClient(a);
        assert.deepEqual(await store.getClient('c_a'), a);
        assert.deepEqual(await store.getClient('c_b'), b);
        assert.equal(await store.getClient('c_missing'), undefined);
        assert.deepEqual(
          (await store.listClients()).map((c) => c.id),
          ['c_a', 'c_b'],
        );
        await assert.rejects(store.createClient(a), 'a duplicate client_id is refused');

        const updated = await store.updateClient('c_a', {
          scopes: ['orders:read'],
          disabled: true,
          tokenTtl: null,
          previousSecretHash: 'b'.repeat(64),
          previousSecretExpiresAt: FAR,
          updatedAt: 5000,
        });
        const expected = {
          ...a,
          scopes: ['orders:read'],
          disabled: true,
          tokenTtl: null,
          previousSecretHash: 'b'.repeat(64),
          previousSecretExpiresAt: FAR,
          updatedAt: 5000,
        };
        assert.deepEqual(updated, expected);
        assert.deepEqual(await store.getClient('c_a'), expected);
        assert.deepEqual(await store.updateClient('c_a', {}), expected);
        assert.equal(await store.updateClient('c_missing', { name: 'x' }), undefined);

        assert.equal(await store.deleteClient('c_a'), true);
        assert.equal(await store.deleteClient('c_a'), false);
        assert.equal(await store.getClient('c_a'), undefined);
        assert.deepEqual(
          (await store.listClients()).map((c) => c.id),
          ['c_b'],
        );
      }));

    test('signing keys: insert, list by activation, update, delete', () =>
      withStore(async (store) => {
        const k2 = key('k2', { activatesAt: 5000 });
        const k1 = key('k1', { state: 'active', activatesAt: 1000 });
        await store.insertKey(k2);
        await store.insertKey(k1);
        assert.deepEqual(await store.listKeys(), [k1, k2]);
        await assert.rejects(store.insertKey(k1), 'a duplicate kid is refused');
        await store.updateKey('k1', { state: 'revoked', revokedAt: 4000, removesAt: 4000 });
        await store.updateKey('k_missing', { state: 'retired' });
        const listed = await store.listKeys();
        assert.deepEqual(listed[0], { ...k1, state: 'revoked', revokedAt: 4000, removesAt: 4000 });
        assert.equal(typeof listed[0]?.removesAt, 'number');
        await store.deleteKey('k1');
        assert.deepEqual(await store.listKeys(), [k2]);
      }));

    test('assertion jti: first use recorded, replay refused, scoped per client, one winner in a race', () =>
      withStore(async (store, url) => {
        assert.equal(await store.recordAssertionJti('c1', 'j1', 2000), true);
        assert.equal(await store.recordAssertionJti('c1', 'j1', 2000), false);
        assert.equal(await store.recordAssertionJti('c2', 'j1', 2000), true);
        const other = await open(url, false);
        try {
          const results = await Promise.all(
            Array.from({ length: 20 }, (_, i) =>
              (i % 2 ? store : other).recordAssertionJti('c1', 'race', 2000),
            ),
          );
          assert.equal(results.filter(Boolean).length, 1);
        } finally {
          await other.close();
        }
      }));

    test('audit: appended in order, read after an id with a limit, data round-trips', () =>
      withStore(async (store) => {
        assert.deepEqual(await store.readAudit(0, 10), []);
        await store.appendAudit([]);
        const first: AuditEvent[] = [
          { at: 10, type: 'client.created', clientId: 'c1', data: { actor: 'admin' } },
          { at: 11, type: 'token.issued', clientId: 'c1', data: { jti: 'j', aud: ['a'], exp: FAR } },
          { at: 12, type: 'key.rotated', clientId: null, data: {} },
        ];
        await store.appendAudit(first);
        const read = await store.readAudit(0, 10);
        assert.deepEqual(
          read.map(({ id: _, ...rest }) => rest),
          first,
        );
        const ids = read.map((e) => e.id ?? 0);
        assert.ok(ids.every((id, i) => typeof id === 'number' && (i === 0 || id > (ids[i - 1] ?? 0))));
        assert.deepEqual(
          (await store.readAudit(ids[0] ?? 0, 1)).map((e) => e.type),
          ['token.issued'],
        );

        // A batch larger than one INSERT statement is still written whole and in order.
        const many = Array.from({ length: 1234 }, (_, i) => ({
          at: 100 + i,
          type: 'token.issued',
          clientId: 'c1',
          data: { i },
        }));
        await store.appendAudit(many);
        const all: AuditEvent[] = [];
        for (let after = 0; ; ) {
          const page = await store.readAudit(after, 500);
          if (page.length === 0) break;
          all.push(...page);
          after = page.at(-1)?.id ?? 0;
        }
        assert.equal(all.length, 3 + 1234);
        assert.deepEqual(
          all.slice(3).map((e) => e.data.i),
          many.map((e) => e.data.i),
        );
      }));

    test('audit: a batch is one transaction (a failing event leaves none of the batch)', () =>
      withStore(async (store) => {
        const batch = Array.from({ length: 700 }, (_, i) => ({
          at: i,
          type: i === 650 ? (null as unknown as string) : 'token.issued',
          clientId: null,
          data: {},
        }));
        await assert.rejects(store.appendAudit(batch));
        assert.deepEqual(await store.readAudit(0, 10), []);
      }));

    test('revocations: seq strictly increasing, after/limit/expiry filters, last seq', () =>
      withStore(async (store) => {
        assert.equal(await store.lastRevocationSeq(), 0);
        const r1 = await store.addRevocation(revocation('j1', { expiresAt: 2000, reason: 'leaked' }));
        const r2 = await store.addRevocation(
          revocation('sub-1', { kind: 'subject', notBefore: 1500, expiresAt: FAR }),
        );
        const r3 = await store.addRevocation(revocation('k1', { kind: 'kid', expiresAt: 3000 }));
        assert.ok(r1.seq >= 1 && r2.seq > r1.seq && r3.seq > r2.seq);
        assert.deepEqual(r1, { seq: r1.seq, ...revocation('j1', { expiresAt: 2000, reason: 'leaked' }) });
        assert.deepEqual(await store.readRevocations(0, 1000, 100), [r1, r2, r3]);
        assert.deepEqual(await store.readRevocations(r1.seq, 1000, 100), [r2, r3]);
        assert.deepEqual(await store.readRevocations(0, 1000, 2), [r1, r2]);
        // Expired at `now` (expiresAt <= now) is left out.
        assert.deepEqual(await store.readRevocations(0, 2000, 100), [r2, r3]);
        assert.deepEqual(await store.readRevocations(0, 3000, 100), [r2]);
        assert.equal(await store.lastRevocationSeq(), r3.seq);
      }));

    test('revocations: concurrent writers get distinct increasing seqs and a follower misses none', () =>
      withStore(async (store, url) => {
        // Several replicas (store instances) commit at once, each many small transactions, so that
        // one commits while another holds an older, uncommitted seq; that is what the store must order.
        const writers = await Promise.all(Array.from({ length: 6 }, () => open(url, false)));
        try {
          const seen: number[] = [];
          let cursor = 0;
          let writing = true;
          // A feed follower: advances its cursor to the highest seq it has seen. If rows became
          // visible out of seq order, it would skip the late one for good.
          const follower = (async () => {
            while (writing) {
              const page = await store.readRevocations(cursor, 0, 1000);
              for (const r of page) seen.push(r.seq);
              cursor = page.at(-1)?.seq ?? cursor;
              await new Promise((resolve) => setImmediate(resolve));
            }
          })();
          const written = (
            await Promise.all(
              writers.map(async (writer, w) => {
                const mine = [];
                for (let i = 0; i < 30; i++) mine.push(await writer.addRevocation(revocation(`w${w}-${i}`)));
                return mine;
              }),
            )
          ).flat();
          writing = false;
          await follower;
          for (const r of await store.readRevocations(cursor, 0, 1000)) seen.push(r.seq);
          const seqs = written.map((r) => r.seq).sort((a, b) => a - b);
          assert.equal(new Set(seqs).size, 180);
          assert.deepEqual(seen, seqs);
          assert.equal(await store.lastRevocationSeq(), seqs.at(-1));
        } finally {
          await Promise.all(writers.map((w) => w.close()));
        }
      }));

    test('watchRevocations: a committed revocation wakes the listener; unsubscribe stops it', () =>
      withStore(async (store) => {
        let wakeups = 0;
        const unsubscribe = await store.watchRevocations(() => {
          wakeups++;
        });
        const before = wakeups;
        await store.addRevocation(revocation('w1'));
        await until(() => wakeups > before);
        await unsubscribe();
        const after = wakeups;
        await store.addRevocation(revocation('w2'));
        await store.ping();
        await new Promise((resolve) => setTimeout(resolve, 100));
        assert.equal(wakeups, after);
      }));

    test('lease: many concurrent acquirers, exactly one winner; renewal; handover after expiry', () =>
      withStore(async (store, url) => {
        const others = [await open(url, false), await open(url, false)];
        try {
          const stores = [store, ...others];
          const results = await Promise.all(
            Array.from({ length: 30 }, (_, i) =>
              (stores[i % stores.length] as Store).acquireLease('key-rotation', `h${i}`, 1000, 1060),
            ),
          );
          const winners = results.flatMap((won, i) => (won ? [`h${i}`] : []));
          assert.equal(winners.length, 1);
          const winner = winners[0] as string;
          // The winner renews; nobody else takes it before it expires.
          assert.equal(await store.acquireLease('key-rotation', winner, 1030, 1090), true);
          assert.equal(await others[0]!.acquireLease('key-rotation', 'late', 1089, 1200), false);
          // Expired (expiresAt <= now): the next one takes it, and the old holder no longer can.
          assert.equal(await others[1]!.acquireLease('key-rotation', 'late', 1090, 1200), true);
          assert.equal(await store.acquireLease('key-rotation', winner, 1100, 1200), false);
          // Another lease name is independent.
          assert.equal(await store.acquireLease('purge', winner, 1100, 1200), true);
          // A race at expiry also has exactly one winner.
          const handover = await Promise.all(
            Array.from({ length: 30 }, (_, i) =>
              (stores[i % stores.length] as Store).acquireLease('key-rotation', `n${i}`, 1200, 1300),
            ),
          );
          assert.equal(handover.filter(Boolean).length, 1);
          // Released, it is free at once; a release by someone else changes nothing.
          const holder = `n${handover.indexOf(true)}`;
          await others[0]!.releaseLease('key-rotation', 'not-the-holder');
          assert.equal(await store.acquireLease('key-rotation', 'after', 1201, 1300), false);
          await others[1]!.releaseLease('key-rotation', holder);
          assert.equal(await store.acquireLease('key-rotation', 'after', 1201, 1300), true);
        } finally {
          await Promise.all(others.map((s) => s.close()));
        }
      }));

    test('admin credentials: add and find by hash', () =>
      withStore(async (store) => {
        await store.addAdminCredential('admin-1', 'c'.repeat(64), 1000);
        assert.deepEqual(await store.findAdminCredential('c'.repeat(64)), { id: 'admin-1' });
        assert.equal(await store.findAdminCredential('d'.repeat(64)), undefined);
        await assert.rejects(store.addAdminCredential('admin-1', 'e'.repeat(64), 1000));
      }));

    test('admin token provisioning: replicas starting together on one database both start', () =>
      withStore(async (store, url) => {
        const config = {
          adminToken: 'admin-token-0123456789abcdef',
          dataDir: join(tmpdir(), 'signet-no-such-dir'),
        } as unknown as Config;
        const other = await open(url, false);
        try {
          // Replica A reads "absent", replica B provisions the token, then A inserts: the real unique
          // violation from the database, which A must take as "B was first".
          let raced = false;
          const replicaA = {
            findAdminCredential: async (hash: string) => {
              if (!raced) {
                raced = true;
                await provisionAdminTokens(other, config, 1000);
                return undefined;
              }
              return store.findAdminCredential(hash);
            },
            addAdminCredential: (id: string, hash: string, at: number) =>
              store.addAdminCredential(id, hash, at),
          } as unknown as Store;
          await provisionAdminTokens(replicaA, config, 1000);
          assert.ok(raced);
          // A different token under an id that is taken still fails loudly.
          await assert.rejects(
            store
              .addAdminCredential('admin-1', 'e'.repeat(64), 1000)
              .then(() => store.addAdminCredential('admin-1', 'f'.repeat(64), 1000)),
          );
        } finally {
          await other.close();
        }
      }));

    test('purgeExpired: drops expired jtis, revocations and removed keys; seqs are never reused', () =>
      withStore(async (store) => {
        await store.recordAssertionJti('c1', 'old', 1000);
        await store.recordAssertionJti('c1', 'new', 3000);
        const r1 = await store.addRevocation(revocation('a', { expiresAt: 1000 }));
        const r2 = await store.addRevocation(revocation('b', { expiresAt: 3000 }));
        const r3 = await store.addRevocation(revocation('c', { expiresAt: 1500 }));
        await store.insertKey(key('gone', { state: 'retired', removesAt: 2000 }));
        await store.insertKey(key('kept', { state: 'active', removesAt: 2001 }));

        // now = 2000: jti "old", revocation r1, key "gone" are due. r3 is due too but carries the
        // highest seq, which is kept so lastRevocationSeq() never goes back.
        assert.equal(await store.purgeExpired(2000), 3);
        assert.equal(await store.recordAssertionJti('c1', 'old', 5000), true, 'purged jti is free again');
        assert.equal(await store.recordAssertionJti('c1', 'new', 5000), false, 'live jti still recorded');
        assert.deepEqual(await store.readRevocations(0, 0, 100), [r2, r3]);
        assert.equal(await store.lastRevocationSeq(), r3.seq);
        assert.deepEqual(
          (await store.listKeys()).map((k) => k.kid),
          ['kept'],
        );
        assert.ok(r1.seq < r2.seq);

        // Everything expired: the newest revocation row still stands, and new seqs keep growing.
        await store.purgeExpired(10_000);
        assert.equal(await store.lastRevocationSeq(), r3.seq);
        assert.deepEqual(await store.readRevocations(0, 10_000, 100), []);
        const r4 = await store.addRevocation(revocation('d'));
        assert.ok(r4.seq > r3.seq);
        assert.equal(await store.purgeExpired(10_000), 1);
      }));
  });
}
