/**
 * PostgreSQL stops answering without closing anything (every postgres process SIGSTOPped: what a
 * network partition or a stuck disk looks like from the replica). Nothing refuses a connection, so
 * only the replica's own deadlines can end a request: each must get 503 + `Retry-After` within
 * them (the pool's connect timeout, the client-side query timeout), never another 5xx, and the
 * replicas must serve normally once PostgreSQL resumes.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type Cluster, type Replica, request, startCluster, waitFor } from './cluster.js';

const AUD = 'https://orders.example';
/** The store's bounds: connect 2 s, statement 10 s + 2 s on the client side. A request may take that, not more. */
const BOUND_MS = 16_000;

/** The postmaster and every backend of the cluster in `dir`. */
function postgresPids(dir: string): number[] {
  const postmaster = Number(readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  let children: number[] = [];
  try {
    children = execFileSync('pgrep', ['-P', String(postmaster)], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map(Number);
  } catch {
    // no children
  }
  return [postmaster, ...children];
}

function signalAll(pids: number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // gone
    }
  }
}

test('PostgreSQL frozen: bounded 503s, never another 5xx, then normal service', {
  timeout: 150_000,
}, async (t) => {
  let cluster: Cluster | undefined;
  let frozen: number[] = [];
  t.after(async () => {
    signalAll(frozen, 'SIGCONT');
    await cluster?.close();
  });
  cluster = await startCluster();
  const [a, b] = await Promise.all([cluster.start('a'), cluster.start('b')]);
  const replicas: Replica[] = [a, b];
  const created = await a.admin('POST', '/admin/clients', { name: 's1', audiences: [AUD] });
  assert.equal(created.status, 201);
  const s1 = { id: created.body.client.client_id as string, secret: created.body.client_secret as string };

  const statuses = new Map<string, number>();
  let slowest = 0;
  let timeouts = 0;
  let stop = false;
  const count = (key: string) => statuses.set(key, (statuses.get(key) ?? 0) + 1);
  const timed = async (what: string, fn: () => Promise<{ status: number; headers?: Headers }>) => {
    const started = Date.now();
    try {
      const r = await fn();
      const retryAfter = r.headers?.get('retry-after');
      count(
        r.status === 503 && retryAfter == null && r.headers
          ? `${what} 503 without Retry-After`
          : `${what} ${r.status}`,
      );
    } catch (err) {
      if ((err as Error).name === 'TimeoutError') timeouts++;
      else count(`${what} ${(err as Error).name}`);
    }
    slowest = Math.max(slowest, Date.now() - started);
  };
  const issuer = async (r: Replica) => {
    while (!stop) {
      await timed('token', () => r.token(s1.id, s1.secret, { audience: AUD }, BOUND_MS + 4000));
      await new Promise((x) => setTimeout(x, 20));
    }
  };
  const revoker = async (r: Replica) => {
    for (let i = 0; !stop; i++) {
      const body = { kind: 'jti', value: `freeze-${r.name}-${i}` };
      await timed('revoke', () => r.admin('POST', '/admin/revocations', body, BOUND_MS + 4000));
      await new Promise((x) => setTimeout(x, 50));
    }
  };
  const workers = [issuer(a), issuer(a), issuer(b), issuer(b), revoker(a), revoker(b)];
  await new Promise((x) => setTimeout(x, 1500));

  frozen = postgresPids(cluster.pg.dir);
  signalAll(frozen, 'SIGSTOP');
  // /readyz answers within its own 1 s database check, and fails.
  await new Promise((x) => setTimeout(x, 1000));
  for (const r of replicas) {
    const started = Date.now();
    const ready = await request(`${r.publicUrl}/readyz`, { timeoutMs: 5000 });
    assert.equal(ready.status, 503, `${r.name} /readyz while frozen`);
    assert.equal((ready.body as { checks: { database: string } }).checks.database, 'unavailable');
    t.diagnostic(`${r.name} /readyz answered 503 in ${Date.now() - started} ms while frozen`);
  }
  // Longer than every bound of the store, so each of them has to fire.
  await new Promise((x) => setTimeout(x, 13_000));
  signalAll(frozen, 'SIGCONT');
  const resumed = Date.now();
  frozen = [];
  const recovered: Record<string, number> = {};
  await Promise.all(
    replicas.map(async (r) => {
      await waitFor(
        `${r.name} to serve again`,
        async () => {
          const x = await r.token(s1.id, s1.secret, { audience: AUD }, 5000).catch(() => undefined);
          const y = await r.admin('POST', '/admin/revocations', { kind: 'jti', value: `after-${r.name}` });
          return x?.status === 200 && y.status === 201 ? true : undefined;
        },
        20_000,
        200,
      );
      recovered[r.name] = Date.now() - resumed;
    }),
  );
  stop = true;
  await Promise.all(workers);

  const seen = Object.fromEntries(statuses);
  t.diagnostic(`responses while frozen and around: ${JSON.stringify(seen)}; timeouts ${timeouts}`);
  t.diagnostic(`slowest answer ${slowest} ms; serving again ${JSON.stringify(recovered)} ms after SIGCONT`);
  // The private detail of any 500 is in the replicas' error logs (no secret in them).
  const errors = replicas.flatMap((r) =>
    r
      .output()
      .split('\n')
      .filter((l) => l.includes('"request failed"'))
      .map((l) => (JSON.parse(l) as { err?: { message?: string } }).err?.message ?? l),
  );
  if (errors.length > 0) t.diagnostic(`500s logged: ${JSON.stringify([...new Set(errors)])}`);
  for (const key of statuses.keys()) {
    assert.match(key, /^(token (200|503)|revoke (201|503))$/, `unexpected outcome: ${key}`);
  }
  assert.equal(timeouts, 0, `a request hung past ${BOUND_MS + 4000} ms`);
  assert.ok(slowest <= BOUND_MS, `slowest answer ${slowest} ms`);
  assert.ok((statuses.get('token 503') ?? 0) + (statuses.get('revoke 503') ?? 0) > 0, 'the freeze was seen');
});
