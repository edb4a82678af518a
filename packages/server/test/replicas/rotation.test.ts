/**
 * Key rotation racing on real replicas on one PostgreSQL database happens once: three start at the
 * same moment on an empty database (one first key), then all run the automatic rotation tick every
 * second under the lease (one successor, never two); and an operator's rotation sent to two
 * replicas at the same moment creates one successor.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Cluster, type Replica, request, startCluster, waitFor } from './cluster.js';

interface KeyView {
  kid: string;
  state: string;
  activatesAt: number;
}

/** Rotation in seconds instead of days: a successor is due 3 s after a key starts signing. */
const CONFIG = {
  signing: {
    rotationPeriod: 60,
    publishAhead: 57,
    jwksMaxAge: 0,
    keyReloadInterval: 1,
    rotationCheckInterval: 1,
  },
  tokens: { defaultTtl: 30, maxTtl: 50 },
};

async function keys(r: Replica): Promise<KeyView[]> {
  const res = await r.admin('GET', '/admin/keys');
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.keys as KeyView[];
}

async function jwksKids(r: Replica): Promise<string[]> {
  const res = await request(`${r.publicUrl}/.well-known/jwks.json`);
  return ((res.body as { keys: { kid: string }[] }).keys ?? []).map((k) => k.kid).sort();
}

const count = (list: KeyView[], state: string) => list.filter((k) => k.state === state).length;

test('a rotation racing on three replicas happens once', { timeout: 120_000 }, async (t) => {
  let cluster: Cluster | undefined;
  t.after(() => cluster?.close());
  cluster = await startCluster();
  // Three replicas start together on an empty database: each migrates and wants a first key.
  const [a, b, c] = await Promise.all([
    cluster.start('a', { config: CONFIG }),
    cluster.start('b', { config: CONFIG }),
    cluster.start('c', { config: CONFIG }),
  ]);

  const first = await keys(a);
  assert.equal(first.length >= 1, true);
  const firstActive = first.filter((k) => k.state === 'active');
  assert.equal(firstActive.length, 1, 'one first key although three replicas started at once');
  assert.equal(
    first.filter((k) => k.activatesAt <= firstActive[0]!.activatesAt).length,
    1,
    'no second first key',
  );

  // The automatic tick: a successor is due 3 s after the first key; every replica ticks every second.
  const started = Date.now();
  const withSuccessor = await waitFor(
    'the automatic rotation to create a successor',
    async () => {
      const list = await keys(b);
      return count(list, 'next') >= 1 ? list : undefined;
    },
    20_000,
    200,
  );
  t.diagnostic(`successor created by the rotation tick ${Date.now() - started} ms after all were up`);
  // Let the replicas tick several more times: still exactly one successor.
  await new Promise((r) => setTimeout(r, 4000));
  for (const r of [a, b, c]) {
    const list = await keys(r);
    assert.equal(list.length, 2, `${r.name}: ${JSON.stringify(list.map((k) => k.state))}`);
    assert.equal(count(list, 'active'), 1);
    assert.equal(count(list, 'next'), 1);
    assert.deepEqual(list.map((k) => k.kid).sort(), withSuccessor.map((k) => k.kid).sort());
  }
  await waitFor('every JWKS to publish the successor', async () => {
    const [ka, kb, kc] = await Promise.all([jwksKids(a), jwksKids(b), jwksKids(c)]);
    const same = JSON.stringify(ka) === JSON.stringify(kb) && JSON.stringify(kb) === JSON.stringify(kc);
    return ka.length === 2 && same ? true : undefined;
  });

  // The audit log (shared) records exactly two key creations.
  const audit = await a.admin('GET', '/admin/audit?after=0&limit=1000');
  assert.equal(audit.status, 200);
  const created = (audit.body.events as { type: string }[]).filter((e) => e.type === 'key.created');
  assert.equal(created.length, 2, 'two keys created in all');
});

test('an operator rotation sent to two replicas at the same moment creates one successor', {
  timeout: 120_000,
}, async (t) => {
  let cluster: Cluster | undefined;
  t.after(() => cluster?.close());
  cluster = await startCluster();
  // Default timing (7 days): no successor is due, so each "rotate now" would create one.
  const a = await cluster.start('a');
  const b = await cluster.start('b');
  assert.equal((await keys(a)).length, 1);
  const [ra, rb] = await Promise.all([
    a.admin('POST', '/admin/keys/rotate'),
    b.admin('POST', '/admin/keys/rotate'),
  ]);
  assert.equal(ra.status, 200, JSON.stringify(ra.body));
  assert.equal(rb.status, 200, JSON.stringify(rb.body));
  // The `key-admin` lease orders the two: the second sees the first's successor and brings it
  // forward instead of creating another, so both replicas list the same keys at once.
  const lists = await Promise.all([keys(a), keys(b)]);
  for (const [i, list] of lists.entries()) {
    assert.equal(count(list, 'active'), 1, JSON.stringify(list));
    assert.equal(
      count(list, 'next'),
      1,
      `${i === 0 ? 'a' : 'b'}: one successor, not two: ${JSON.stringify(list)}`,
    );
  }
  const kids = lists.map((l) => l.map((k) => k.kid).sort());
  assert.deepEqual(kids[0], kids[1]);
  // The audit log (shared, written in batches) records two rotations and one creation besides the
  // first key.
  const types = await waitFor('both rotations in the audit log', async () => {
    const audit = await a.admin('GET', '/admin/audit?after=0&limit=1000');
    const all = (audit.body.events as { type: string }[]).map((e) => e.type);
    return all.filter((x) => x === 'key.rotated').length === 2 ? all : undefined;
  });
  assert.equal(types.filter((x) => x === 'key.created').length, 2, types.join(' '));
});
