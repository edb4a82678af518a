/**
 * The rotation lease does not die with its holder: replica A creates the first key and holds the
 * lease; A is killed (-9) before the successor is due; B takes the lease once it expires and creates
 * the successor on time — exactly one.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Cluster, startCluster, waitFor } from './cluster.js';

/** A successor is due 18 s after the first key signs; the lease lasts 2 s (2 × rotationCheckInterval). */
const CONFIG = {
  signing: {
    rotationPeriod: 60,
    publishAhead: 42,
    jwksMaxAge: 0,
    keyReloadInterval: 1,
    rotationCheckInterval: 1,
  },
  tokens: { defaultTtl: 30, maxTtl: 50 },
};

interface KeyView {
  kid: string;
  state: string;
  activatesAt: number;
  retiresAt: number;
}

test('kill -9 of the rotation lease holder: another replica rotates, once', {
  timeout: 120_000,
}, async (t) => {
  let cluster: Cluster | undefined;
  t.after(() => cluster?.close());
  cluster = await startCluster();
  const a = await cluster.start('a', { config: CONFIG });
  const b = await cluster.start('b', { config: CONFIG });
  const list = async () => {
    const r = await b.admin('GET', '/admin/keys');
    assert.equal(r.status, 200);
    return r.body.keys as KeyView[];
  };
  const first = await list();
  assert.equal(first.length, 1);
  const due = (first[0]!.retiresAt - CONFIG.signing.publishAhead) * 1000;
  // A started first and created the key, so it holds the lease (it renews it every second).
  assert.ok(Date.now() < due - 2000, 'the replicas started too slowly to kill A before the successor is due');
  await a.kill();
  const killed = Date.now();
  assert.equal((await list()).length, 1, 'no successor yet when A dies');
  t.diagnostic(`A killed ${Math.round((due - killed) / 1000)} s before the successor was due`);

  const keys = await waitFor(
    'B to create the successor',
    async () => {
      const k = await list();
      return k.some((x) => x.state === 'next') ? k : undefined;
    },
    30_000,
    200,
  );
  t.diagnostic(`successor created ${Date.now() - due} ms after it was due (lease 2 s, tick 1 s)`);
  await new Promise((r) => setTimeout(r, 3000));
  const after = await list();
  assert.equal(after.length, 2, JSON.stringify(after));
  assert.deepEqual(after.map((k) => k.kid).sort(), keys.map((k) => k.kid).sort());
  assert.equal(after.filter((k) => k.state === 'next').length, 1);
  // B keeps signing with the first key until the successor's time.
  const jwks = await fetch(`${b.publicUrl}/.well-known/jwks.json`, { signal: AbortSignal.timeout(5000) });
  assert.equal(((await jwks.json()) as { keys: unknown[] }).keys.length, 2);
});
