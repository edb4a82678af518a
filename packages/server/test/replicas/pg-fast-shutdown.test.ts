/**
 * A clean PostgreSQL shutdown (`fast`: the server terminates every connection with 57P01) while a
 * replica writes revocations: 503 with `Retry-After`, `/readyz` fails, then it serves again by itself
 * and every acknowledged revocation is there.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { basic, type Cluster, type Replica, request, startCluster, waitFor } from './cluster.js';

const DEADLINE_MS = 8000;

async function readyStatus(r: Replica): Promise<number> {
  try {
    return (await request(`${r.publicUrl}/readyz`, { timeoutMs: 4000 })).status;
  } catch {
    return 0;
  }
}

test('a clean PostgreSQL shutdown (fast: connections terminated by the server) gives 503s, then recovery', {
  timeout: 120_000,
}, async (t) => {
  let cluster: Cluster | undefined;
  t.after(() => cluster?.close());
  cluster = await startCluster();
  const a = await cluster.start('a');
  const outcomes = new Map<string, number>();
  let stop = false;
  const acked: { seq: number; value: string }[] = [];
  const loop = async () => {
    for (let i = 0; !stop; i++) {
      const value = `fast-${i}-${Math.random()}`;
      try {
        const r = await a.admin('POST', '/admin/revocations', { kind: 'jti', value }, DEADLINE_MS);
        const retry =
          r.status === 503 && !/^\d+$/.test(r.headers.get('retry-after') ?? '') ? ' no Retry-After' : '';
        outcomes.set(`${r.status}${retry}`, (outcomes.get(`${r.status}${retry}`) ?? 0) + 1);
        if (r.status === 201) acked.push({ seq: r.body.revocation.seq as number, value });
      } catch (err) {
        outcomes.set((err as Error).name, (outcomes.get((err as Error).name) ?? 0) + 1);
      }
      await new Promise((x) => setTimeout(x, 20));
    }
  };
  const workers = [loop(), loop()];
  await waitFor('some revocations', () => (acked.length >= 10 ? true : undefined));
  await cluster.pg.shutdown('fast');
  await waitFor(
    '/readyz to fail',
    async () => ((await readyStatus(a)) === 503 ? true : undefined),
    8000,
    100,
  );
  await waitFor('a 503', () => ((outcomes.get('503') ?? 0) > 0 ? true : undefined), 8000);
  await cluster.pg.start();
  const up = Date.now();
  const n = acked.length;
  await waitFor('revocations acknowledged again', () => (acked.length > n ? true : undefined), 15_000);
  await waitFor(
    '/readyz to pass',
    async () => ((await readyStatus(a)) === 200 ? true : undefined),
    15_000,
    100,
  );
  t.diagnostic(
    `fast shutdown: serving ${Date.now() - up} ms after PostgreSQL started; ${JSON.stringify(Object.fromEntries(outcomes))}`,
  );
  stop = true;
  await Promise.all(workers);
  for (const key of outcomes.keys()) assert.match(key, /^(201|503)$/, `unexpected outcome ${key}`);
  const feed = await a.admin('POST', '/admin/clients', { name: 'feed', capabilities: ['revocations'] });
  const snap = await request(`${a.publicUrl}/revocations`, {
    headers: { authorization: basic(feed.body.client.client_id, feed.body.client_secret) },
  });
  const bySeq = new Map(
    (snap.body as { entries: { seq: number; value: string }[] }).entries.map((e) => [e.seq, e.value]),
  );
  for (const x of acked) assert.equal(bySeq.get(x.seq), x.value, `seq ${x.seq} lost`);
});
